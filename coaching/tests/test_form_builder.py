"""Coaches build, edit and publish QM forms in the browser's form (no script needed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.constants import VersionStatus
from coaching.evaluations import evaluation_start
from coaching.models import FormVersion, QMForm
from coaching.qm_forms import version_content
from organisations.models import Membership

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"coaching:{name}", kwargs={"org_slug": "acme", **kwargs})


def _rows(*rows, extra=1):
    data = {"rows-TOTAL_FORMS": str(len(rows) + extra), "rows-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        defaults = {"answer_type": "yes_no", "weight": "1", "kind": "normal"}
        for key, value in {**defaults, **row}.items():
            data[f"rows-{n}-{key}"] = value
    for n in range(len(rows), len(rows) + extra):  # the blank rows a browser posts
        data.update(
            {
                f"rows-{n}-answer_type": "yes_no",
                f"rows-{n}-weight": "1",
                f"rows-{n}-kind": "normal",
                f"rows-{n}-not_applicable_allowed": "on",
            }
        )
    return data


ROWS = (
    {"section": "Opening", "text": "Begroet de klant", "not_applicable_allowed": "on"},
    {"section": "Afhandeling", "text": "Juist antwoord", "answer_type": "scale_1_5", "weight": "3"},
    {"section": "Opening", "text": "Noemt eigen naam"},
    {"section": "Privacy", "text": "Geen gegevens aan onbevoegden", "kind": "fatal"},
)


def test_a_coach_builds_and_publishes_a_form(cast, client_for):
    coach = client_for(cast["coach"])
    response = coach.post(_url("form_new"), {"name": "Kwaliteit", **_rows(*ROWS)})
    assert response.status_code == 302
    version = FormVersion.objects.get(form__name="Kwaliteit")
    assert version.status == VersionStatus.DRAFT
    content = version_content(version)
    # Rows with the same section title form one section, in order of first appearance.
    assert [s["title"] for s in content] == ["Opening", "Afhandeling", "Privacy"]
    assert [c["text"] for c in content[0]["criteria"]] == ["Begroet de klant", "Noemt eigen naam"]
    assert content[1]["criteria"][0]["weight"] == 3
    assert coach.post(_url("form_publish", form_id=version.form_id, number=1)).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


def test_editing_a_used_form_in_the_builder_makes_a_new_version(world, published_form, client_for):
    coach_member = Membership.objects.get(user=world.cast["coach"])
    evaluation_start(
        membership=coach_member,
        recording=world.team_a_call,
        version=published_form,
        purpose_code="coaching",
    )
    coach = client_for(world.cast["coach"])
    page = coach.get(_url("form_edit", form_id=published_form.form_id)).content.decode()
    assert "data-new-version" in page
    response = coach.post(_url("form_edit", form_id=published_form.form_id), _rows(*ROWS))
    assert response.status_code == 302
    versions = FormVersion.objects.filter(form=published_form.form).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert len(version_content(versions[0])) == 2  # version 1 as it was
    assert len(version_content(versions[1])) == 3


def test_a_bad_form_is_refused_with_a_message_and_nothing_is_saved(cast, client_for):
    coach = client_for(cast["coach"])
    bad = {**ROWS[3], "answer_type": "scale_0_10"}  # fatal needs yes / no
    response = coach.post(
        _url("form_new"), {"name": "Fout", **_rows(bad)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "give it the answer yes / no" in response.content.decode()
    assert not QMForm.objects.filter(name="Fout").exists()
    empty = coach.post(_url("form_new"), {"name": "Leeg", **_rows()})
    assert empty.status_code == 400
    assert not QMForm.objects.filter(name="Leeg").exists()


@pytest.mark.parametrize("role", ["employee", "manager", "privacy_officer", "auditor"])
def test_only_coaches_build_forms(cast, client_for, role):
    client = client_for(cast[role])
    assert client.get(_url("forms")).status_code == 403
    assert client.post(_url("form_new"), {"name": "X", **_rows(*ROWS)}).status_code == 403
    assert not QMForm.objects.exists()
