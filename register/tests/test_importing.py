"""Importing a register from Earshot's own JSON export: the round trip of both demo registers,
refusals that list every problem by activity, line and field and change nothing, replacing an
activity as its next version, and the audit trail."""

from __future__ import annotations

import copy
import json

import pytest
from django.utils import translation

from access.constants import Scope
from access.models import StandingRight
from audit.models import AuditEvent
from organisations.constants import Role
from organisations.tests.factories import OrganisationFactory
from register.document import activity_document, register_document
from register.exports import as_json
from register.importing import ImportRefused, import_plan, register_import
from register.models import ProcessingActivity, Purpose, RegisterVersion
from register.seed_data import ORGANISATIONS
from register.services import activity_create
from register.tests.helpers import small_register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def seeded(spec) -> object:
    """An organisation with a demo register, loaded as `loaddemo` loads it."""
    organisation = OrganisationFactory(slug=spec["slug"], name=spec["name"])
    for activity in spec["activities"]:
        activity_create(organisation=organisation, actor=None, **copy.deepcopy(activity))
    return organisation


def exported(organisation) -> bytes:
    """The register as the page's "Export as JSON" hands it out (with its evidence)."""
    return as_json(organisation).content


def activities_of(organisation) -> list[dict]:
    return register_document(organisation)["activities"]


def refusal(organisation, content: bytes) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        register_import(organisation=organisation, actor=None, content=content, source="test")
    return [str(problem) for problem in refused.value.plan.problems]


def as_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def one_activity(organisation) -> dict:
    return json.loads(exported(organisation))["activities"][0]


@pytest.mark.parametrize("spec", ORGANISATIONS, ids=lambda spec: spec["slug"])
def test_each_demo_register_round_trips_into_a_new_organisation(spec):
    original = seeded(spec)
    fresh = OrganisationFactory(slug="nieuw", name="Nieuwe organisatie")
    plan = register_import(
        organisation=fresh, actor=None, content=exported(original), source="test"
    )
    assert [planned.outcome for planned in plan.activities] == ["created"]
    # The new organisation's export is the same register document, word for word.
    assert activities_of(fresh) == activities_of(original)
    assert activities_of(fresh) == [
        activity_document(a) for a in ProcessingActivity.objects.filter(organisation=original)
    ]
    assert json.loads(exported(fresh))["activities"] == json.loads(exported(original))["activities"]
    (version,) = RegisterVersion.objects.filter(organisation=fresh)
    assert version.number == 1
    event = AuditEvent.objects.get(action="register.imported", organisation_id=fresh.pk)
    assert event.detail["source"] == "test"
    reference = spec["activities"][0]["reference"]
    assert event.detail["activities"] == [
        {"reference": reference, "outcome": "created", "version": 1}
    ]


def test_importing_the_same_file_again_changes_nothing_and_makes_no_version(cast):
    small_register(cast.organisation)
    content = exported(cast.organisation)
    plan = register_import(organisation=cast.organisation, actor=None, content=content, source="t")
    assert [p.outcome for p in plan.activities] == ["unchanged"]
    assert RegisterVersion.objects.filter(organisation=cast.organisation).count() == 1


def test_a_changed_file_replaces_the_activity_as_its_next_version_keeping_its_purposes(cast):
    activity = small_register(cast.organisation, retention_days=28)
    misconduct = activity.purposes.get(code="misconduct")
    right = StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=misconduct,
        role=Role.MANAGER,
        scope=Scope.ORGANISATION,
    )
    document = one_activity(cast.organisation)
    document["data_subject_entries"][0]["retention_value"] = 21
    document["purposes"][1]["description"] = "Ernstig verwijtbaar gedrag"
    document["purposes"].append(
        {"code": "training", "description": "Opleiding", "legal_basis": "legitimate_interest"}
    )
    plan = register_import(
        organisation=cast.organisation,
        actor=cast["privacy_officer"],
        content=as_bytes(document),
        source="test",
    )
    assert [p.outcome for p in plan.activities] == ["changed"]
    activity.refresh_from_db()
    assert activity.versions.count() == 2
    assert activity.data_subject_entries.get().retention_value == 21
    # The purpose the access policy names is the same row, with its new words.
    right.refresh_from_db()
    assert right.purpose.pk == misconduct.pk
    assert right.purpose.description == "Ernstig verwijtbaar gedrag"
    assert list(activity.purposes.values_list("code", flat=True)) == [
        "coaching",
        "misconduct",
        "training",
    ]
    changed = AuditEvent.objects.get(action="register.activity.changed")
    assert changed.actor_id == cast["privacy_officer"].pk
    assert AuditEvent.objects.get(action="register.imported").detail["activities"] == [
        {"reference": "R1", "outcome": "changed", "version": 2}
    ]


def _snapshot(organisation):
    return (
        activities_of(organisation),
        RegisterVersion.objects.filter(organisation=organisation).count(),
        sorted(
            Purpose.objects.filter(activity__organisation=organisation).values_list("pk", flat=True)
        ),
    )


def test_every_problem_is_listed_by_line_and_field_and_nothing_changes(cast):
    small_register(cast.organisation)
    before = _snapshot(cast.organisation)
    document = one_activity(cast.organisation)
    document["name"] = "Changed name that must not be saved"
    entry = document["data_subject_entries"][0]
    del entry["retention_value"]  # a missing retention
    document["purposes"][0]["legal_basis"] = "because"  # an unknown legal basis
    document["purposes"].append(
        {"code": "misconduct", "description": "Twee keer", "legal_basis": "consent"}
    )  # a duplicate purpose code
    problems = refusal(cast.organisation, as_bytes(document))
    assert problems == [
        "activity 1 (R1), purpose 1 (coaching), legal_basis: “because” is not known; known "
        "values: consent, contract, legal_obligation, vital_interests, public_task, "
        "legitimate_interest",
        "activity 1 (R1), data-subject line 1, retention_value: missing; this field is required",
        "activity 1 (R1), purpose 3 (misconduct), code: the code “misconduct” is used by an "
        "earlier purpose",
    ]
    assert _snapshot(cast.organisation) == before
    assert ProcessingActivity.objects.get(organisation=cast.organisation).name == "Gespreksopname"
    event = AuditEvent.objects.get(action="register.import.refused")
    assert event.detail["problems"] == 3
    assert event.detail["fields"] == ["code", "legal_basis", "retention_value"]
    assert not AuditEvent.objects.filter(action="register.imported").exists()


def test_a_line_still_used_elsewhere_cannot_be_dropped_by_an_import(cast):
    activity = small_register(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=activity.purposes.get(code="misconduct"),
        role=Role.MANAGER,
        scope=Scope.ORGANISATION,
    )
    before = _snapshot(cast.organisation)
    document = one_activity(cast.organisation)
    document["purposes"] = [p for p in document["purposes"] if p["code"] != "misconduct"]
    (problem,) = refusal(cast.organisation, as_bytes(document))
    assert problem.startswith("activity 1 (R1), purposes: the import leaves out “misconduct”")
    assert "standing right" in problem
    assert _snapshot(cast.organisation) == before


def test_a_purpose_code_of_another_activity_is_refused(cast):
    small_register(cast.organisation)  # R1 with coaching and misconduct
    document = one_activity(cast.organisation)
    document["reference"] = "R2"
    problems = refusal(cast.organisation, as_bytes(document))
    assert problems == [
        "activity 1 (R2), purpose 1 (coaching), code: the code “coaching” is already used by "
        "another activity of this organisation",
        "activity 1 (R2), purpose 2 (misconduct), code: the code “misconduct” is already used by "
        "another activity of this organisation",
    ]
    assert ProcessingActivity.objects.filter(organisation=cast.organisation).count() == 1


@pytest.mark.parametrize(
    "content,expected",
    [
        (b'{"activities": [', "line 1, column 17: this is not valid JSON (Expecting value)"),
        (b'{\n  "activities": [\n    {"reference": "X",}\n  ]\n}', "line 3, column 23:"),
        ("{}".encode("utf-16"), "the file: is not UTF-8 text"),
        (b"[1, 2]", "the file: this is not an Earshot register export"),
        (b'{"activities": []}', "the file, activities: the list is empty"),
        (b'{"activities": {"reference": "X"}}', "activities: must be a list, not an object"),
        (b'{"activities": ["M10495"]}', "activity 1: must be an object, not text"),
    ],
)
def test_files_that_are_not_a_register_are_refused_with_the_reason(cast, content, expected):
    (problem,) = refusal(cast.organisation, content)
    assert expected in problem
    assert not ProcessingActivity.objects.exists()


def test_wrong_types_are_named_with_their_field(cast):
    small_register(cast.organisation)
    document = one_activity(cast.organisation)
    document["data_subject_entries"][0]["retention_value"] = "28"
    document["data_subject_entries"][0]["mandatory_supply"] = "no"
    document["purposes"][1]["description"] = ["a", "list"]
    document["recipients"] = {"name": "Coaches"}
    document["recorded_customer_fields"] = ["phone", "shoe_size"]
    document["colour"] = "blue"
    problems = refusal(cast.organisation, as_bytes(document))
    assert problems == [
        "activity 1 (R1), colour: unknown field",
        "activity 1 (R1), recorded_customer_fields: unknown codes: shoe_size; known values: "
        "phone, name, address, postcode, bsn, gender, date_of_birth, customer_number",
        "activity 1 (R1), purpose 2 (misconduct), description: must be text, not a list",
        "activity 1 (R1), data-subject line 1, retention_value: must be a whole number, not text",
        "activity 1 (R1), data-subject line 1, mandatory_supply: must be true or false, not text",
        "activity 1 (R1), recipients: must be a list, not an object",
    ]


def test_model_limits_are_named_too(cast):
    small_register(cast.organisation)
    document = one_activity(cast.organisation)
    document["reference"] = "R" * 51
    document["purposes"][0]["code"] = "met spatie"
    document["data_subject_entries"][0]["retention_value"] = 0
    problems = refusal(cast.organisation, as_bytes(document))
    assert any(p.startswith("activity 1 (RRR") and ", reference: " in p for p in problems)
    assert "activity 1, purpose 1 (met spatie), code: “met spatie” is not a code" in " ".join(
        problems
    ).replace(f"activity 1 ({'R' * 51})", "activity 1")
    assert any("retention_value: must be 1 or more" in p for p in problems)


def test_an_activity_without_a_recording_line_is_refused(cast):
    small_register(cast.organisation)
    document = one_activity(cast.organisation)
    document["reference"] = "R2"
    document["purposes"] = [{"code": "other", "description": "x", "legal_basis": "consent"}]
    document["data_subject_entries"][0]["data_category"] = "evaluation"
    (problem,) = refusal(cast.organisation, as_bytes(document))
    assert problem.startswith(
        "activity 1 (R2), data_category: No line declares how long recordings"
    )


def test_the_same_reference_twice_in_a_file_is_refused(cast):
    small_register(cast.other_organisation)
    document = json.loads(exported(cast.other_organisation))
    document["activities"].append(copy.deepcopy(document["activities"][0]))
    problems = refusal(cast.organisation, as_bytes(document))
    assert "the file, reference: the reference R1 appears more than once" in problems


def test_a_single_activity_document_such_as_a_version_snapshot_imports(cast):
    small_register(cast.other_organisation)
    snapshot = RegisterVersion.objects.get(organisation=cast.other_organisation).snapshot
    register_import(
        organisation=cast.organisation, actor=None, content=as_bytes(snapshot), source="t"
    )
    assert activities_of(cast.organisation) == activities_of(cast.other_organisation)


def test_the_plan_changes_nothing(cast):
    small_register(cast.other_organisation)
    plan = import_plan(organisation=cast.organisation, content=exported(cast.other_organisation))
    assert plan.ok and [p.outcome for p in plan.activities] == ["created"]
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()
    assert not AuditEvent.objects.filter(action__startswith="register.import").exists()


def test_a_section_that_is_no_list_is_named_once(cast):
    problems = refusal(
        cast.organisation,
        b'{"activities": [{"reference": "X", "name": "Y", "purposes": "geen lijst"}]}',
    )
    assert problems == [
        "activity 1 (X), purposes: must be a list, not text",
        "activity 1 (X), data_category: No line declares how long recordings are kept: add a "
        "line with the data category “Recording audio and call metadata” and its retention "
        "period.",
    ]


@pytest.mark.parametrize("spec", ORGANISATIONS, ids=lambda spec: spec["slug"])
def test_the_commands_carry_a_register_to_a_new_organisation(spec, tmp_path):
    """Scripted installs: export_register's output is what import_register reads."""
    from io import StringIO

    from django.core.management import call_command

    original = seeded(spec)
    fresh = OrganisationFactory(slug="nieuw", name="Nieuwe organisatie")
    out = StringIO()
    call_command("export_register", "--org", original.slug, stdout=out)
    (tmp_path / "register.json").write_text(out.getvalue(), encoding="utf-8")
    call_command(
        "import_register", str(tmp_path / "register.json"), "--org", "nieuw", stdout=StringIO()
    )
    assert activities_of(fresh) == activities_of(original)
    assert AuditEvent.objects.filter(
        action="register.exported", organisation_id=original.pk
    ).exists()
