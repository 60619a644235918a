"""Requests, cases and legal holds start from the call, from calls ticked in the list and from
a case: the form shows the chosen calls as readable lines to untick, never a box of typed call
ids; an id of another organisation, a forged one or one the person may not find is refused and
nothing is created."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from unittest.mock import ANY
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from access.cases import case_create
from access.constants import CaseKind
from access.models import AccessRequest, Case
from access.selection import recording_line
from organisations.models import Membership
from recordings.tests.factories import recording_create
from retention.models import LegalHold

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MOTIVATION = "Klant meldt dat de medewerker hem uitschold; de zaak loopt bij de rechter."


def _url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": "acme", **kwargs})


def _query(*recordings) -> str:
    return "&".join(f"recording={r.pk}" for r in recordings)


def _shown(response) -> str:
    return html.unescape(response.content.decode())


def _ticked(page: str, recording) -> bool:
    return bool(re.search(rf'value="{recording.pk}"[^>]*checked', page))


@pytest.fixture
def with_cases(four_eyes):
    four_eyes.rule.case_kind = CaseKind.MISCONDUCT
    four_eyes.rule.save()
    return four_eyes


def test_the_list_offers_each_role_only_what_it_may_start(with_cases, client_for):
    cast = with_cases.cast
    page = _shown(client_for(cast["manager"]).get(_url("access:recording_list")))
    assert 'name="recording"' in page and "data-selection" in page
    bar = page.split("data-selection-bar", 1)[1].split("</div>", 1)[0]
    assert "Toegang vragen" in bar and "Bewaarplicht opleggen" in bar and "Zaak openen" in bar
    assert f'formaction="{_url("retention:hold_new")}"' in bar
    # A coach hears coached calls by standing right: nothing to ask, hold or open here.
    coach = _shown(client_for(cast["coach"]).get(_url("access:recording_list")))
    assert 'name="recording"' not in coach and "data-selection-bar" not in coach


def test_the_call_page_offers_a_case_and_a_hold_to_the_manager_only(with_cases, client_for):
    cast, call = with_cases.cast, with_cases.call
    page = _shown(
        client_for(cast["manager"]).get(_url("access:recording_detail", recording_id=call.pk))
    )
    assert f"{_url('retention:hold_new')}?recording={call.pk}" in page
    assert f"{_url('cases:new')}?recording={call.pk}" in page
    assert f"{_url('requests:new')}?recording={call.pk}" in page
    own = with_cases.gate.own_call
    employee = _shown(
        client_for(cast["employee"]).get(_url("access:recording_detail", recording_id=own.pk))
    )
    assert _url("retention:hold_new") not in employee and _url("cases:new") not in employee
    # The employee and the coach may not place holds: the form itself refuses them.
    for role in ("employee", "coach", "privacy_officer"):
        response = client_for(cast[role]).get(f"{_url('retention:hold_new')}?{_query(own)}")
        assert response.status_code in (403, 404)


def test_two_ticked_calls_are_held_as_readable_lines_and_one_can_be_left_out(
    with_cases, client_for
):
    cast = with_cases.cast
    first, second, third = with_cases.call, with_cases.gate.team_a_call, with_cases.gate.own_call
    manager = client_for(cast["manager"])
    url = f"{_url('retention:hold_new')}?{_query(first, second, third)}"
    page = _shown(manager.get(url))
    for call in (first, second, third):
        assert _ticked(page, call) and recording_line(call) in page
        assert call.call_id not in page  # read as date, team and employee, not as an id
    assert 'name="call_ids"' not in page  # no box of typed ids
    review_on = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = manager.post(
        url,
        {
            "recording": [str(first.pk), str(second.pk)],
            "motivation": MOTIVATION,
            "review_on": review_on,
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert set(hold.recordings.all()) == {first, second}


def test_foreign_and_forged_ids_are_refused_and_nothing_is_created(with_cases, client_for):
    cast = with_cases.cast
    foreign = recording_create(organisation=cast.other_organisation)
    mine = with_cases.call
    manager = client_for(cast["manager"])
    review_on = (timezone.localdate() + timedelta(days=30)).isoformat()
    forms = {
        "retention:hold_new": {"motivation": MOTIVATION, "review_on": review_on},
        "requests:new": {
            "kind": "playback",
            "purpose": str(with_cases.purpose.pk),
            "motivation": MOTIVATION,
        },
        "cases:new": {
            "kind": "misconduct",
            "received_via": "internal",
            "received_on": timezone.localdate().isoformat(),
            "description": "Melding",
        },
    }
    for name, data in forms.items():
        url = _url(name)
        opened = _shown(manager.get(f"{url}?{_query(mine, foreign)}&recording=not-an-id"))
        assert "Enkele gekozen gesprekken zijn geen gesprekken die u hier kunt vinden" in opened
        assert _ticked(opened, mine) and f'value="{foreign.pk}"' not in opened
        assert recording_line(foreign) not in opened
        for forged in (str(foreign.pk), str(uuid.uuid4()), "not-an-id"):
            response = manager.post(url, {**data, "recording": [str(mine.pk), forged]})
            assert response.status_code == 200, name
            assert "Niets is gedaan" in _shown(response)
    assert not LegalHold.objects.exists()
    assert not AccessRequest.objects.exists()
    assert not Case.objects.exists()


def test_an_employee_cannot_carry_a_colleagues_call_into_a_request(with_cases, client_for):
    with_cases.rule.requester_roles = ["manager", "employee"]
    with_cases.rule.save()
    employee = client_for(with_cases.cast["employee"])
    colleague = with_cases.gate.team_a_call
    page = _shown(employee.get(f"{_url('requests:new')}?{_query(colleague)}"))
    assert recording_line(colleague) not in page and "Geen gesprekken gekozen" in page
    response = employee.post(
        _url("requests:new"),
        {
            "kind": "playback",
            "purpose": str(with_cases.purpose.pk),
            "recording": str(colleague.pk),
            "motivation": MOTIVATION,
        },
    )
    assert "Niets is gedaan" in _shown(response)
    assert not AccessRequest.objects.exists()


def test_a_case_page_links_its_calls_and_starts_a_request_for_them(with_cases, client_for):
    cast = with_cases.cast
    manager_membership = Membership.objects.get(
        user=cast["manager"], organisation=cast.organisation
    )
    calls = [with_cases.call, with_cases.gate.team_a_call]
    case = case_create(
        membership=manager_membership,
        kind=CaseKind.MISCONDUCT,
        reference="",
        received_via="internal",
        received_on=timezone.localdate(),
        customer_contact="",
        description="Melding",
        recordings=calls,
    )
    manager = client_for(cast["manager"])
    page = _shown(manager.get(_url("cases:detail", case_id=case.pk)))
    for call in calls:
        assert _url("access:recording_detail", recording_id=call.pk) in page
    actions = page.split("data-case-call-actions", 1)[1].split("</p>", 1)[0]
    assert "Bewaarplicht opleggen" in actions and "Zaak openen" not in actions
    hold_link = re.search(r'<a href="([^"]+)">Bewaarplicht opleggen</a>', actions).group(1)
    hold_form = _shown(client_for(cast["manager"]).get(hold_link))
    assert all(_ticked(hold_form, call) for call in calls)
    assert re.search(rf'<option value="{case.pk}" selected', hold_form)
    link = re.search(r'<a href="([^"]+)">Toegang vragen</a>', actions).group(1)
    path, query = link.split("?", 1)
    assert path == _url("requests:new")
    assert parse_qs(query) == {"recording": ANY, "case": [str(case.pk)]}
    assert sorted(parse_qs(query)["recording"]) == sorted(str(c.pk) for c in calls)
    form = _shown(manager.get(link))
    assert all(_ticked(form, call) for call in calls)
    assert re.search(rf'<option value="{case.pk}" selected', form)
    response = manager.post(
        link,
        {
            "kind": "playback",
            "purpose": str(with_cases.purpose.pk),
            "recording": [str(c.pk) for c in calls],
            "motivation": MOTIVATION,
            "case": str(case.pk),
        },
    )
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert request.case == case and set(request.recordings.all()) == set(calls)
    # Another organisation's user does not reach the case at all.
    outsider = client_for(cast.outsider)
    assert outsider.get(_url("cases:detail", case_id=case.pk)).status_code in (403, 404)


@pytest.mark.parametrize("headers", [{}, EN], ids=["nl", "en"])
def test_date_inputs_carry_the_iso_date_in_every_language(with_cases, client_for, headers):
    manager = client_for(with_cases.cast["manager"])
    today = timezone.localdate().isoformat()
    page = manager.get(_url("cases:new"), **headers).content.decode()
    assert re.search(rf'type="date" name="received_on" value="{today}"', page)
    listed = manager.get(
        _url("access:recording_list"), {"date_from": today}, **headers
    ).content.decode()
    assert re.search(rf'type="date" name="date_from" value="{today}"', listed)
