"""The trail links only to pages the reader may open: the auditor reads the trail but not the
calls, requests or cases it names, and nobody but its coach and employee reads an evaluation.
A link that answers 403 or 404 is a dead end; the label stays, the link goes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

import audit
from access.tests.conftest import four_eyes, register_for, world  # noqa: F401  (fixture)
from coaching.tests.conftest import published_form  # noqa: F401  (fixture)
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(cast):
    register_for(cast.organisation)
    call = recording_create(organisation=cast.organisation)
    audit.record(
        actor=cast["manager"],
        action="access.recording.listened",
        organisation=cast.organisation,
        target=call,
        purpose="misconduct",
    )
    return call


def _trail(client):
    response = client.get(reverse("audit:trail", kwargs={"org_slug": "acme"}))
    assert response.status_code == 200
    return response.content.decode()


def _every_link_opens(client, page):
    """Each link in the trail's target column answers 200 for this reader."""
    column = re.findall(r'<a href="(/o/acme/[^"?]+)">', page)
    assert column, "the trail shows no links at all"
    for url in set(column):
        assert client.get(url).status_code == 200, url


def test_the_auditor_sees_the_call_named_but_not_linked(cast, client_for, call):
    client = client_for(cast["auditor"])
    page = _trail(client)
    url = reverse("access:recording_detail", kwargs={"org_slug": "acme", "recording_id": call.pk})
    assert client.get(url).status_code == 403  # the auditor reads, never listens
    assert url not in page
    assert "gesprek van" in page  # the call is still named
    _every_link_opens(client, page)


def test_the_privacy_officer_follows_the_call_link(cast, client_for, call):
    client = client_for(cast["privacy_officer"])
    page = _trail(client)
    url = reverse("access:recording_detail", kwargs={"org_slug": "acme", "recording_id": call.pk})
    assert f'href="{url}"' in page
    _every_link_opens(client, page)


def test_an_evaluation_is_linked_for_nobody_on_the_trail_who_may_not_read_it(
    cast,
    client_for,
    world,  # noqa: F811
    published_form,  # noqa: F811
):
    from coaching.evaluations import evaluation_start
    from organisations.models import Membership

    coach = Membership.objects.get(user=cast["coach"], organisation=cast.organisation)
    evaluation = evaluation_start(
        membership=coach,
        recording=world.team_a_call,
        version=published_form,
        purpose_code="coaching",
    )
    audit.record(
        actor=cast["coach"],
        action="coaching.evaluation.released",
        organisation=cast.organisation,
        target=evaluation,
    )
    url = reverse(
        "coaching:evaluation", kwargs={"org_slug": "acme", "evaluation_id": evaluation.pk}
    )
    assert client_for(cast["coach"]).get(url).status_code == 200
    for role in ("privacy_officer", "auditor"):
        client = client_for(cast[role])
        page = _trail(client)
        assert client.get(url).status_code == 404
        assert url not in page
        assert "beoordeling van het gesprek van" in page
        _every_link_opens(client, page)


def test_the_register_links_its_red_audit_line_only_for_readers_of_the_trail(cast, client_for):
    register_for(cast.organisation)
    trail_url = reverse("audit:trail", kwargs={"org_slug": "acme"})
    register_url = reverse("register:overview", kwargs={"org_slug": "acme"})
    # Nothing verified yet: the audit line is red and points to the trail.
    officer_page = client_for(cast["privacy_officer"]).get(register_url).content.decode()
    assert f'href="{trail_url}"' in officer_page
    admin = client_for(cast["administrator"])
    assert admin.get(trail_url).status_code == 403
    assert f'href="{trail_url}"' not in admin.get(register_url).content.decode()


def test_a_request_is_linked_only_for_who_may_open_it(client_for, four_eyes):  # noqa: F811
    request = four_eyes.ask()  # by the manager; the policy names who approves it
    url = reverse("requests:detail", kwargs={"org_slug": "acme", "request_id": request.pk})
    officer = client_for(four_eyes.cast["privacy_officer"])
    assert f'href="{url}"' in _trail(officer)
    # The policy now leaves the privacy officer out as approver: her link would answer 404.
    four_eyes.rule.approver_roles = ["team_leader"]
    four_eyes.rule.save()
    assert officer.get(url).status_code == 404
    page = _trail(officer)
    assert f'href="{url}"' not in page
    assert "verzoek van" in page  # still named
    _every_link_opens(officer, page)
