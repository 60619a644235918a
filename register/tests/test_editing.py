"""Editing the register in the application: versions, the audit trail, refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from register.models import DataSubjectEntry, ProcessingActivity, Purpose, RegisterVersion
from register.services import RegisterError, activity_update
from register.tests.helpers import edit_form_data, edit_url, small_register

pytestmark = pytest.mark.django_db


def _post(client, activity, data):
    with translation.override("en"):
        return client.post(edit_url(activity), data, HTTP_ACCEPT_LANGUAGE="en")


def test_a_new_activity_is_version_one(cast):
    activity = small_register(cast.organisation)
    version = activity.versions.get()
    assert version.number == 1
    assert version.summary == "created"
    assert version.snapshot["reference"] == "R1"
    assert [p["code"] for p in version.snapshot["purposes"]] == ["coaching", "misconduct"]


def test_the_privacy_officer_changes_the_retention_and_a_version_and_event_are_kept(
    cast, client_for
):
    activity = small_register(cast.organisation, retention_days=28)
    entry = activity.data_subject_entries.get()
    data = edit_form_data(activity)
    data["entries-0-retention_value"] = "21"
    data["entries-0-retention_text"] = "Uiterlijk 21 dagen na de opnamedatum."
    response = _post(client_for(cast["privacy_officer"]), activity, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.retention_value == 21
    versions = list(activity.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    # The earlier version still says what held before.
    assert versions[0].snapshot["data_subject_entries"][0]["retention_value"] == 28
    assert versions[1].snapshot["data_subject_entries"][0]["retention_value"] == 21
    assert "retention_value" in versions[1].summary
    assert versions[1].created_by == cast["privacy_officer"]
    event = AuditEvent.objects.get(action="register.activity.changed")
    assert event.actor_id == cast["privacy_officer"].pk
    assert event.detail["version"] == 2
    assert "retention_value" in event.detail["changes"]


def test_saving_without_a_change_makes_no_version(cast, client_for):
    activity = small_register(cast.organisation)
    response = _post(client_for(cast["administrator"]), activity, edit_form_data(activity))
    assert response.status_code == 302
    assert activity.versions.count() == 1
    assert not AuditEvent.objects.filter(action="register.activity.changed").exists()


def test_adding_and_removing_a_purpose(cast, client_for):
    activity = small_register(cast.organisation)
    data = edit_form_data(activity)
    data["purposes-TOTAL_FORMS"] = "3"
    data.update(
        {
            "purposes-2-code": "training",
            "purposes-2-description": "Opleiding van klantcontactmedewerkers",
            "purposes-2-legal_basis": "legitimate_interest",
            "purposes-1-DELETE": "on",
        }
    )
    response = _post(client_for(cast["privacy_officer"]), activity, data)
    assert response.status_code == 302
    codes = list(Purpose.objects.filter(activity=activity).values_list("code", flat=True))
    assert codes == ["coaching", "training"]
    summary = activity.versions.get(number=2).summary
    assert "added training" in summary and "removed misconduct" in summary


def test_the_code_of_an_existing_purpose_stays_as_it_was(cast, client_for):
    activity = small_register(cast.organisation)
    data = edit_form_data(activity)
    data["purposes-0-code"] = "renamed"  # a forged field: the page shows it read-only
    data["purposes-0-description"] = "Coaching, monitoring en kalibratie"
    assert _post(client_for(cast["privacy_officer"]), activity, data).status_code == 302
    purpose = Purpose.objects.get(activity=activity, position=0)
    assert purpose.code == "coaching"
    assert purpose.description == "Coaching, monitoring en kalibratie"
    with pytest.raises(RegisterError):
        activity_update(
            activity=activity,
            actor=None,
            fields={},
            purposes=[{"id": purpose.pk, "code": "renamed", "description": "x"}],
            data_subject_entries=[{"data_category": "recording", "id": _entry(activity).pk}],
            recipients=[],
        )


def _entry(activity):
    return DataSubjectEntry.objects.get(activity=activity)


def test_the_last_line_declaring_recording_retention_cannot_be_removed(cast, client_for):
    activity = small_register(cast.organisation)
    data = edit_form_data(activity)
    data["entries-0-DELETE"] = "on"
    response = _post(client_for(cast["privacy_officer"]), activity, data)
    assert response.status_code == 400
    assert "how long recordings are kept" in response.content.decode()
    assert DataSubjectEntry.objects.filter(activity=activity).count() == 1
    assert activity.versions.count() == 1


def test_bad_input_is_refused_with_a_message_and_changes_nothing(cast, client_for):
    activity = small_register(cast.organisation)
    data = edit_form_data(activity)
    data["entries-0-retention_value"] = "0"
    data["purposes-0-legal_basis"] = "because"
    data["name"] = "A new name that must not be saved"
    response = _post(client_for(cast["privacy_officer"]), activity, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "greater than or equal to 1" in html
    assert "Select a valid choice" in html
    activity.refresh_from_db()
    assert activity.name == "Gespreksopname"
    assert activity.versions.count() == 1


def test_a_line_of_another_organisation_cannot_be_smuggled_in(cast, client_for):
    activity = small_register(cast.organisation)
    foreign = small_register(cast.other_organisation)
    foreign_purpose = foreign.purposes.first()
    data = edit_form_data(activity)
    data["purposes-0-id"] = str(foreign_purpose.pk)
    data["purposes-0-description"] = "overwritten"
    response = _post(client_for(cast["privacy_officer"]), activity, data)
    assert response.status_code == 400
    foreign_purpose.refresh_from_db()
    assert foreign_purpose.description != "overwritten"
    with pytest.raises(RegisterError):
        activity_update(
            activity=activity,
            actor=None,
            fields={},
            purposes=[{"id": foreign_purpose.pk, "description": "overwritten"}],
            data_subject_entries=[{"id": _entry(activity).pk, "data_category": "recording"}],
            recipients=[],
        )
    foreign_purpose.refresh_from_db()
    assert foreign_purpose.description != "overwritten"


@pytest.mark.parametrize(
    "role,status", [("coach", 403), ("manager", 403), ("auditor", 403), ("employee", 403)]
)
def test_only_the_privacy_officer_and_administrator_edit(cast, client_for, role, status):
    activity = small_register(cast.organisation)
    client = client_for(cast[role])
    assert client.get(edit_url(activity)).status_code == status
    data = edit_form_data(activity)
    data["name"] = "Changed"
    assert _post(client, activity, data).status_code == status
    activity.refresh_from_db()
    assert activity.name == "Gespreksopname"


def test_an_outsider_gets_404_for_the_edit_page_and_the_versions(cast, client_for):
    activity = small_register(cast.organisation)
    client = client_for(cast.outsider)
    assert client.get(edit_url(activity)).status_code == 404
    # Their own organisation's URL with our activity id: not found either.
    url = reverse(
        "register:activity_edit", kwargs={"org_slug": "other", "activity_id": activity.pk}
    )
    assert client.get(url).status_code == 404


def test_versions_are_listed_and_an_earlier_one_can_be_read(cast, client_for):
    activity = small_register(cast.organisation, retention_days=28)
    data = edit_form_data(activity)
    data["entries-0-retention_value"] = "21"
    _post(client_for(cast["privacy_officer"]), activity, data)
    auditor = client_for(cast["auditor"])
    listing = auditor.get(
        reverse("register:versions", kwargs={"org_slug": "acme", "activity_id": activity.pk})
    ).content.decode()
    assert 'data-version="2"' in listing and 'data-version="1"' in listing
    first = auditor.get(
        reverse(
            "register:version",
            kwargs={"org_slug": "acme", "activity_id": activity.pk, "number": 1},
        )
    ).content.decode()
    assert "<strong>28 " in first
    missing = auditor.get(
        reverse(
            "register:version",
            kwargs={"org_slug": "acme", "activity_id": activity.pk, "number": 9},
        )
    )
    assert missing.status_code == 404


def test_two_edits_get_consecutive_versions(cast):
    activity = small_register(cast.organisation)
    for name in ("Eerste wijziging", "Tweede wijziging"):
        activity_update(
            activity=activity,
            actor=cast["administrator"],
            fields={"name": name},
            purposes=[{"id": p.pk} for p in activity.purposes.all()],
            data_subject_entries=[{"id": _entry(activity).pk, "data_category": "recording"}],
            recipients=[{"id": r.pk} for r in activity.recipients.all()],
        )
    assert list(
        RegisterVersion.objects.filter(activity=activity)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2, 3]
    assert ProcessingActivity.objects.get(pk=activity.pk).name == "Tweede wijziging"
