"""The call's page reads the policy once (issue 18 §3): the standing purposes, the purpose rules
and the member's permissions that the page and its actions ask for repeatedly are read once
per page, and what each role sees there is what the plain, unremembered questions answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.actions import recording_actions
from access.constants import Scope
from access.models import PurposeRule, StandingRight
from access.policy import granted_purposes, listen_decision, standing_purposes
from access.request_memo import request_memo_start
from organisations.models import Membership


def _detail(recording) -> str:
    return reverse(
        "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": recording.pk}
    )


def _membership(world, role) -> Membership:
    return Membership.objects.select_related("organisation", "user").get(
        user=world.cast[role], organisation=world.cast.organisation
    )


@pytest.fixture
def policy(world):
    """Besides the world's coach and employee rights: the manager hears misconduct calls
    organisation-wide, and a rule lets coaches ask for misconduct with a case."""
    org = world.cast.organisation
    StandingRight.objects.create(
        organisation=org,
        purpose=world.purposes["misconduct"],
        role="manager",
        scope=Scope.ORGANISATION,
    )
    PurposeRule.objects.create(
        organisation=org,
        purpose=world.purposes["misconduct"],
        requester_roles=["coach"],
        approver_roles=["privacy_officer"],
        case_required=True,
        case_kind="complaint",
    )
    return world


CASES = [
    ("coach", "team_a_call"),
    ("manager", "team_b_call"),
    ("employee", "own_call"),
    ("team_leader", "team_b_call"),
]


@pytest.mark.parametrize("role,call", CASES)
def test_each_role_sees_on_the_call_page_what_the_policy_answers(policy, client_for, role, call):
    recording = getattr(policy, call)
    response = client_for(policy.cast[role]).get(_detail(recording))
    assert response.status_code == 200
    # The same questions, asked of a fresh membership that remembers nothing.
    fresh = _membership(policy, role)
    recording.refresh_from_db()
    expected_codes = [p.code for p in standing_purposes(membership=fresh, recording=recording)]
    expected_codes += [
        p.code
        for p, _grant in granted_purposes(membership=fresh, recording=recording)
        if p.code not in expected_codes
    ]
    assert [option["code"] for option in response.context["purposes"]] == expected_codes
    assert response.context["actions"] == recording_actions(fresh, recording)
    expected = listen_decision(
        membership=fresh, recording=recording, purpose_code=(expected_codes or [""])[0]
    )
    assert response.context["decision"].allowed == expected.allowed
    assert response.context["decision"].reason == expected.reason


def test_what_the_roles_see_on_the_call_page(policy, client_for):
    """The roles' pages side by side, as a person reads them."""

    def seen(role, call):
        response = client_for(policy.cast[role]).get(_detail(getattr(policy, call)))
        labels = [action.label for action in response.context["actions"]]
        purposes = [option["code"] for option in response.context["purposes"]]
        return purposes, labels, response.context["decision"].allowed

    coach = seen("coach", "team_a_call")
    assert coach[0] == ["coaching"] and coach[2]
    assert "Dit gesprek beoordelen met een QM-formulier" in coach[1]
    assert "Een zaak openen over dit gesprek" in coach[1]  # the rule's requester sees its cases
    manager = seen("manager", "team_b_call")
    assert manager[0] == ["misconduct"] and manager[2]
    assert "Dit gesprek beoordelen met een QM-formulier" not in manager[1]
    employee = seen("employee", "own_call")
    assert employee[0] == ["coaching"] and employee[2]
    assert "Dit gesprek beoordelen met een QM-formulier" not in employee[1]
    assert "Een zaak openen over dit gesprek" not in employee[1]
    leader = seen("team_leader", "team_b_call")
    assert leader[0] == [] and not leader[2]
    auditor = client_for(policy.cast["auditor"]).get(_detail(policy.team_b_call))
    assert auditor.status_code in (403, 404)


def test_the_call_page_reads_the_policy_once(policy, client_for):
    """However many actions ask whether the coach may hear the call, the standing rights and
    the purpose rules are read a bounded number of times (before: rights 4 times, rules 5)."""
    client = client_for(policy.cast["coach"])
    url = _detail(policy.team_a_call)
    client.get(url)  # the session and first-visit work out of the way
    with CaptureQueriesContext(connection) as page:
        assert client.get(url).status_code == 200
    sql = [query["sql"] for query in page.captured_queries]
    rights = [q for q in sql if q.startswith('SELECT "access_standingright"')]
    rules = [
        q
        for q in sql
        if q.startswith('SELECT "access_purposerule"."id", "access_purposerule"."organisation_id"')
    ]
    perms = [q for q in sql if q.startswith('SELECT "auth_permission"."codename"')]
    assert len(rights) <= 2, rights  # the calls the coach may find, and the purposes
    assert len(rules) == 1, rules
    # Two per checker (the member's and their groups' permissions): one checker for all the
    # actions, one for the page's menu (before: one per action, eight queries).
    assert len(perms) <= 4, perms
    assert len(sql) <= 26, "\n".join(sql)


def test_outside_the_call_page_a_policy_change_is_seen_at_once(policy):
    """Nothing is remembered where a page did not ask for it (the audio gate, services)."""
    coach = _membership(policy, "coach")
    recording = policy.team_a_call
    assert [p.code for p in standing_purposes(membership=coach, recording=recording)] == [
        "coaching"
    ]
    StandingRight.objects.filter(role="coach").delete()
    assert standing_purposes(membership=coach, recording=recording) == []
    # On a page that opted in, one answer holds for the page; a new page reads again.
    request_memo_start(coach)
    assert standing_purposes(membership=coach, recording=recording) == []
    StandingRight.objects.create(
        organisation=policy.cast.organisation,
        purpose=policy.purposes["coaching"],
        role="coach",
        scope=Scope.COACHED_TEAMS,
    )
    assert standing_purposes(membership=coach, recording=recording) == []
    assert [
        p.code
        for p in standing_purposes(membership=_membership(policy, "coach"), recording=recording)
    ] == ["coaching"]
