"""A processing activity created in the browser: many lines in one save, errors beside the line,
version 1 and its audit event; who may; and the notice while no recording retention exists."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from register.models import ProcessingActivity
from register.tests.helpers import small_register

pytestmark = pytest.mark.django_db


def new_url(slug: str = "acme") -> str:
    return reverse("register:activity_new", kwargs={"org_slug": slug})


def _management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


PURPOSES = [
    ("monitoring", "Monitoring en coaching", "legitimate_interest"),
    ("complaints", "Klachtbehandeling", "contract"),
    ("threats", "Bedreiging van medewerkers", "legal_obligation"),
]


def new_activity_data(*, reference: str = "KC-01", purposes=PURPOSES, retention: int = 30):
    """What the page posts with three purposes, a 30-day recording line and two recipients,
    plus an untouched empty line in each section (as a browser without script sends it)."""
    data = {
        "reference": reference,
        "name": "Opnemen van klantgesprekken",
        "description": "Gesprekken worden opgenomen en teruggeluisterd.",
        "controller_name": "Directeur Klantcontact",
        "recorded_customer_fields": ["phone"],
        **_management("purposes", len(purposes) + 1),
        **_management("entries", 2),
        **_management("recipients", 3),
    }
    for index, (code, description, basis) in enumerate(purposes):
        data.update(
            {
                f"purposes-{index}-code": code,
                f"purposes-{index}-description": description,
                f"purposes-{index}-legal_basis": basis,
            }
        )
    data.update(
        {
            "entries-0-subject_category": "Klanten en medewerkers",
            "entries-0-personal_data": "Stem, telefoonnummer",
            "entries-0-collection_purpose": "Kwaliteit",
            "entries-0-data_category": "recording",
            "entries-0-retention_value": str(retention),
            "entries-0-retention_unit": "days",
            "entries-0-retention_text": f"{retention} dagen na het gesprek.",
            "entries-1-retention_unit": "days",  # the empty line's default
            "recipients-0-name": "Coaches",
            "recipients-0-kind": "internal_role",
            "recipients-0-role": "coach",
            "recipients-1-name": "Politie",
            "recipients-1-kind": "outside_party",
        }
    )
    return data


def _post(client, data, slug: str = "acme"):
    with translation.override("en"):
        return client.post(new_url(slug), data, HTTP_ACCEPT_LANGUAGE="en")


def _line(html: str, line: str) -> str:
    """The HTML of one line (fieldset) of the page."""
    match = re.search(rf'<fieldset[^>]*data-line="{line}">(.*?)</fieldset>', html, re.S)
    assert match, f"no line {line}"
    return match.group(1)


def test_the_page_offers_empty_lines_and_the_line_adding_template(cast, client_for):
    response = client_for(cast["privacy_officer"]).get(new_url())
    html = response.content.decode()
    assert response.status_code == 200
    # Without script: three empty purposes, two data-subject lines, two recipients.
    for line in ("purposes-2", "entries-1", "recipients-1"):
        assert f'data-line="{line}"' in html
    assert 'data-line="purposes-3"' not in html
    # With script: each section's empty form under __prefix__, and the module that clones it.
    assert html.count("<template data-empty-line>") == 3
    assert 'name="purposes-__prefix__-code"' in html
    assert re.search(r'<script type="module" src="[^"]*js/register_lines\.js"', html)
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_an_activity_with_three_purposes_and_30_days_is_saved_in_one_post(cast, client_for):
    response = _post(client_for(cast["privacy_officer"]), new_activity_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = ProcessingActivity.objects.get(organisation=cast.organisation)
    assert response["Location"].endswith(f"#activity-{activity.pk}")
    assert [p.code for p in activity.purposes.order_by("position")] == [
        "monitoring",
        "complaints",
        "threats",
    ]
    (entry,) = activity.data_subject_entries.all()
    assert (entry.data_category, entry.retention_days) == ("recording", 30)
    assert [r.name for r in activity.recipients.order_by("position")] == ["Coaches", "Politie"]
    assert activity.recorded_customer_fields == ["phone"]
    version = activity.versions.get()
    assert (version.number, version.created_by) == (1, cast["privacy_officer"])
    event = AuditEvent.objects.get(action="register.activity.created")
    assert event.actor_id == cast["privacy_officer"].pk
    assert event.detail == {"reference": "KC-01", "version": 1}
    # The register now declares the recording retention: the notice is gone.
    page = client_for(cast["privacy_officer"]).get(
        reverse("register:overview", kwargs={"org_slug": "acme"})
    )
    assert "data-retention-missing" not in page.content.decode()


def test_ten_purposes_in_one_save(cast, client_for):
    many = [(f"doel-{n}", f"Doel {n}", "public_task") for n in range(10)]
    response = _post(client_for(cast["administrator"]), new_activity_data(purposes=many))
    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(organisation=cast.organisation)
    assert activity.purposes.count() == 10
    assert activity.versions.count() == 1


def test_errors_are_shown_beside_their_line_and_nothing_is_saved(cast, client_for):
    data = new_activity_data()
    data["purposes-1-legal_basis"] = "because"
    data["entries-0-retention_value"] = ""
    response = _post(client_for(cast["privacy_officer"]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in _line(html, "purposes-1")
    assert "Select a valid choice" not in _line(html, "purposes-0")
    assert "This field is required" in _line(html, "entries-0")
    # What was typed stays on the page.
    assert "Klachtbehandeling" in _line(html, "purposes-1")
    assert not ProcessingActivity.objects.exists()
    assert not AuditEvent.objects.filter(action="register.activity.created").exists()


def test_a_duplicate_purpose_code_is_refused_beside_the_second_line(cast, client_for):
    purposes = [*PURPOSES, ("monitoring", "Nog eens monitoring", "consent")]
    response = _post(client_for(cast["privacy_officer"]), new_activity_data(purposes=purposes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "monitoring" in _line(html, "purposes-3")
    assert re.search(r"errors.*(duplicate|already used)", _line(html, "purposes-3"), re.S)
    assert "errors" not in _line(html, "purposes-0")
    assert not ProcessingActivity.objects.exists()


def test_a_purpose_code_of_another_activity_is_refused(cast, client_for):
    small_register(cast.organisation)  # has the purpose "coaching"
    purposes = [("coaching", "Coaching", "legitimate_interest")]
    data = new_activity_data(reference="KC-02", purposes=purposes)
    response = _post(client_for(cast["privacy_officer"]), data)
    assert response.status_code == 400
    assert "already used by another activity" in _line(response.content.decode(), "purposes-0")
    assert ProcessingActivity.objects.count() == 1


def test_without_a_recording_line_the_section_says_what_is_missing(cast, client_for):
    data = new_activity_data()
    data["entries-0-data_category"] = "evaluation"
    response = _post(client_for(cast["privacy_officer"]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-section-error="entries"' in html
    assert "No line declares how long recordings are kept" in html
    assert not ProcessingActivity.objects.exists()


def test_without_any_purpose_it_is_refused(cast, client_for):
    response = _post(client_for(cast["privacy_officer"]), new_activity_data(purposes=[]))
    assert response.status_code == 400
    assert 'data-section-error="purposes"' in response.content.decode()
    assert not ProcessingActivity.objects.exists()


def test_a_reference_the_register_has_is_refused(cast, client_for):
    small_register(cast.organisation)
    response = _post(client_for(cast["privacy_officer"]), new_activity_data(reference="R1"))
    assert response.status_code == 400
    assert "already has an activity with this reference" in response.content.decode()
    assert ProcessingActivity.objects.count() == 1


def test_forged_line_ids_are_refused(cast, client_for):
    foreign = small_register(cast.other_organisation)
    data = new_activity_data()
    data["purposes-INITIAL_FORMS"] = "1"
    data["purposes-0-id"] = str(foreign.purposes.first().pk)
    response = _post(client_for(cast["privacy_officer"]), data)
    assert response.status_code == 400
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()


@pytest.mark.parametrize(
    "role,status",
    [
        ("privacy_officer", 200),
        ("administrator", 200),
        ("auditor", 403),
        ("manager", 403),
        ("team_leader", 403),
        ("coach", 403),
        ("employee", 403),
    ],
)
def test_who_may_create_an_activity(cast, client_for, role, status):
    client = client_for(cast[role])
    assert client.get(new_url()).status_code == status
    response = _post(client, new_activity_data())
    assert response.status_code == (302 if status == 200 else status)
    assert ProcessingActivity.objects.exists() == (status == 200)


def test_an_outsider_gets_404_and_creates_nothing(cast, client_for):
    client = client_for(cast.outsider)
    assert client.get(new_url()).status_code == 404
    assert _post(client, new_activity_data()).status_code == 404
    assert not ProcessingActivity.objects.exists()
