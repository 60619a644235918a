"""The access lines of the register's evidence: beside each purpose its listens, decided
requests and disclosures; a purpose in use cannot leave the register."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

import audit
from register.models import Purpose
from register.services import RegisterError, activity_update

pytestmark = pytest.mark.django_db


def _register_html(client) -> str:
    response = client.get(
        reverse("register:overview", kwargs={"org_slug": "acme"}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.content.decode()


def _purpose_row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-purpose="{code}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {code}"
    return " ".join(match.group(1).split())


def _listen(cast, organisation, recording, purpose: str) -> None:
    audit.record(
        actor=cast["coach"],
        action="access.recording.listened",
        organisation=organisation,
        target=recording,
        purpose=purpose,
    )


def test_each_purpose_shows_its_listens_and_decided_requests(four_eyes, client_for):
    cast = four_eyes.cast
    approved = four_eyes.ask()
    four_eyes.decide("privacy_officer", approved)
    denied = four_eyes.ask(
        motivation="Een tweede melding over hetzelfde gesprek, nu van een collega gedaan."
    )
    four_eyes.decide("team_leader", denied, outcome="deny", comment="Geen nieuwe feiten.")
    for _ in range(2):
        _listen(cast, cast.organisation, four_eyes.call, "misconduct")
    _listen(cast, cast.organisation, four_eyes.gate.own_call, "coaching")
    # Another organisation's listens, for a purpose of the same name, never count here.
    for _ in range(5):
        _listen(cast, cast.other_organisation, None, "misconduct")

    html = _register_html(client_for(cast["privacy_officer"]))
    misconduct = _purpose_row(html, "misconduct")
    assert "listens 2 / 2; requests approved 1 / 1, denied 1 / 1; disclosures 0 / 0" in misconduct
    assert "data-mismatch" not in misconduct
    assert "listens 1 / 1; requests approved 0 / 0" in _purpose_row(html, "coaching")
    # The precomputed part of the figures says when it was counted.
    assert re.search(r"days up to \d\d-\d\d-\d{4} counted at [\d: -]+; today counted live", html)


def test_a_listen_for_an_undeclared_purpose_is_red_and_links_to_the_trail(world, client_for):
    cast = world.cast
    _listen(cast, cast.organisation, world.own_call, "marketing")
    html = _register_html(client_for(cast["auditor"]))
    summary = html.split("data-evidence", 1)[1].split("</section>", 1)[0]
    line = re.search(
        r"does not declare \(90 days\)</dt>\s*<dd([^>]*)>(.*?)</dd>",
        summary,
        re.S,
    )
    assert line and "data-mismatch" in line.group(1)
    assert 'href="/o/acme/audit/"' in line.group(2) and ">1<" in line.group(2)


def test_a_purpose_in_use_cannot_be_removed_from_the_register(four_eyes):
    four_eyes.ask()
    activity = four_eyes.purpose.activity
    keep = Purpose.objects.get(activity=activity, code="coaching")
    entry = activity.data_subject_entries.get()
    with pytest.raises(RegisterError, match="nog gebruikt door"):
        activity_update(
            activity=activity,
            actor=four_eyes.cast["privacy_officer"],
            fields={},
            purposes=[{"id": keep.pk}],
            data_subject_entries=[{"id": entry.pk, "data_category": "recording"}],
            recipients=[],
        )
    assert Purpose.objects.filter(activity=activity, code="misconduct").exists()
    assert activity.versions.count() == 1
