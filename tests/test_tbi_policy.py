"""TBI's policy to the letter, on the demo's own rules: every retrieval under four eyes and, where
it answers a complaint or question, recorded in the complaints register; the sample heard with
the employee present; an employee who asks does not listen alone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from access.cases import case_set_status, case_timeline
from access.constants import CaseKind, CaseStatus, RequestStatus
from access.four_eyes import (
    CaseDraft,
    RequestError,
    eligible_approvers,
    request_create,
    request_decide,
)
from access.models import AccessRequest, Case, Grant, PolicyVersion, PurposeRule
from access.policy import listen_decision
from access.rules import policy_snapshot
from audit.models import AuditEvent
from coaching.constants import SampleMode
from coaching.models import SamplingPolicy
from coaching.sampling import draw_slot, draws_due, quarter_bounds
from earshot.demo import demo_load
from organisations.models import Membership, Organisation
from recordings import sealed_storage
from recordings.models import Recording
from register.acknowledgement import current_policy, policy_acknowledge

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Mid-quarter (2026Q4), so the demo's calls of the last days all fall in one quarter.
NOW = datetime(2026, 11, 20, 12, tzinfo=AMSTERDAM)
MOTIVATION = "De klant belde terug over de afhandeling van zijn storing en wil uitleg."


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def tbi(db):
    with translation.override("en"):
        demo_load(history=False)
    # Past the recording policy every member acknowledges at their first sign-in.
    for membership in Membership.objects.select_related("user", "organisation"):
        policy = current_policy(membership.organisation)
        if policy is not None:
            policy_acknowledge(policy=policy, user=membership.user, language="nl")
    return Organisation.objects.get(slug="tbi-direct")


def member(tbi, username: str) -> Membership:
    return Membership.objects.select_related("user", "organisation").get(
        user__username=username, organisation=tbi
    )


def rule(tbi, code: str) -> PurposeRule:
    return PurposeRule.objects.select_related("purpose").get(organisation=tbi, purpose__code=code)


def employee_call(tbi) -> Recording:
    """A call of the demo employee (tbi-employee is the first agent of the first team)."""
    return (
        Recording.objects.filter(organisation=tbi, employee__user__username="tbi-employee")
        .order_by("call_id")
        .first()
    )


def draft(**overrides) -> CaseDraft:
    fields = {
        "received_via": "phone",
        "received_on": NOW.date(),
        "description": "Klant belt over een storing die niet werd verholpen.",
    }
    return CaseDraft(**{**fields, **overrides})


def ask(membership, purpose_code: str, recordings, **fields) -> AccessRequest:
    fields.setdefault("motivation", MOTIVATION)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return request_create(
            membership=membership,
            purpose=rule(membership.organisation, purpose_code).purpose,
            recordings=recordings,
            **fields,
        )


def decide(membership, request, outcome="approve", **fields):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return request_decide(
            membership=membership, request_id=request.pk, outcome=outcome, **fields
        )


def audio_url(recording, purpose: str) -> str:
    url = reverse(
        "access:recording_audio",
        kwargs={"org_slug": recording.organisation.slug, "recording_id": recording.pk},
    )
    return f"{url}?purpose={purpose}"


def confirm_present(client, recording, purpose: str):
    return client.post(
        reverse(
            "access:recording_employee_present",
            kwargs={"org_slug": recording.organisation.slug, "recording_id": recording.pk},
        ),
        {"purpose": purpose, "employee_present": "on"},
    )


def stored(recording) -> bytes:
    """The call's audio as recorded (the demo's calls are ingested, so stored sealed)."""
    return b"".join(sealed_storage.iter_plain(recording))


def test_tbi_has_a_rule_for_every_purpose_it_declares_and_rvo_keeps_its_own(tbi):
    codes = set(
        PurposeRule.objects.filter(organisation=tbi).values_list("purpose__code", flat=True)
    )
    assert codes == {
        "training-sample",
        "reactive-request",
        "customer-transcript",
        "complaint-investigation",
    }
    sample = rule(tbi, "training-sample")
    assert sample.employee_present and sample.requester_roles == ["manager", "team_leader"]
    reactive = rule(tbi, "reactive-request")
    assert reactive.case_required and reactive.case_kind == CaseKind.COMPLAINT
    assert reactive.employee_request_listener and "employee" in reactive.requester_roles
    assert rule(tbi, "customer-transcript").case_kind == CaseKind.COMPLAINT
    snapshot = PolicyVersion.objects.get(organisation=tbi, number=1).snapshot
    assert snapshot["training-sample"]["employee_present"] is True
    assert snapshot["reactive-request"]["employee_request_listener"] is True
    assert policy_snapshot(tbi) == snapshot
    rvo = Organisation.objects.get(slug="rvo-klantcontact")
    assert not PurposeRule.objects.filter(organisation=rvo, employee_present=True).exists()
    assert not PurposeRule.objects.filter(organisation=rvo, employee_request_listener=True).exists()
    assert SamplingPolicy.objects.get(organisation=tbi).mode == SampleMode.AT_ONCE


def test_a_reactive_request_without_a_case_is_refused(tbi):
    leader = member(tbi, "tbi-teamleader")
    with translation.override("en"), pytest.raises(RequestError, match="needs a case"):
        ask(leader, "reactive-request", [employee_call(tbi)])
    assert not AccessRequest.objects.filter(organisation=tbi).exists()


def test_a_new_complaint_case_is_opened_with_the_request_and_lists_it(tbi, client_for):
    """Through the form: the case is opened with the request, a second person approves, and the
    case's page lists the request and its decision."""
    call = employee_call(tbi)
    leader = member(tbi, "tbi-teamleader")
    page = client_for(leader.user).post(
        reverse("requests:new", kwargs={"org_slug": "tbi-direct"}),
        {
            "kind": "playback",
            "purpose": str(rule(tbi, "reactive-request").purpose_id),
            "recording": str(call.pk),
            "motivation": MOTIVATION,
            "case": "new",
            "new_case_received_via": "email",
            "new_case_received_on": NOW.date().isoformat(),
            "new_case_description": "Klacht per mail over de hersteltijd van een storing.",
        },
    )
    assert page.status_code == 302, page.content.decode()[-2000:]
    request = AccessRequest.objects.get(organisation=tbi)
    case = request.case
    assert case.kind == CaseKind.COMPLAINT and case.reference == "K-2026-0001"
    assert list(case.recordings.all()) == [call]
    assert case.created_by == leader.user
    with pytest.raises(RequestError):
        decide(leader, request)  # not the requester
    manager = member(tbi, "tbi-manager")
    decide(manager, request)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.grant.user == leader.user
    actions = [event.action for event in case_timeline(case)]
    assert actions[:3] == [
        "access.case.opened",
        "access.request.created",
        "access.request.approved",
    ]
    event = AuditEvent.objects.get(action="access.request.created")
    assert event.detail["case_opened"] is True and event.detail["case"] == str(case.pk)
    detail = client_for(leader.user).get(
        reverse("cases:detail", kwargs={"org_slug": "tbi-direct", "case_id": case.pk})
    )
    assert (
        reverse("requests:detail", kwargs={"org_slug": "tbi-direct", "request_id": request.pk})
        in detail.content.decode()
    )


def test_an_open_complaint_case_can_be_chosen_instead(tbi):
    leader = member(tbi, "tbi-teamleader")
    first = ask(leader, "complaint-investigation", [employee_call(tbi)], new_case=draft())
    second = ask(leader, "reactive-request", [employee_call(tbi)], case=first.case)
    assert second.case == first.case
    assert Case.objects.filter(organisation=tbi).count() == 1
    assert set(first.case.requests.all()) == {first, second}


def test_a_refused_request_opens_no_case(tbi, client_for):
    leader = member(tbi, "tbi-teamleader")
    call = employee_call(tbi)
    with pytest.raises(RequestError):
        ask(leader, "reactive-request", [call], new_case=draft(), motivation="zie ticket")
    with pytest.raises(RequestError):
        ask(leader, "reactive-request", [call], new_case=draft(description="  "))
    with pytest.raises(RequestError):  # the sample's rule keeps no cases
        ask(leader, "training-sample", [call], new_case=draft())
    # In the form: a new case without its description refuses the whole request beside it.
    page = client_for(leader.user).post(
        reverse("requests:new", kwargs={"org_slug": "tbi-direct"}),
        {
            "kind": "playback",
            "purpose": str(rule(tbi, "reactive-request").purpose_id),
            "recording": str(call.pk),
            "motivation": MOTIVATION,
            "case": "new",
            "new_case_received_via": "phone",
            "new_case_received_on": NOW.date().isoformat(),
        },
    )
    assert page.status_code == 200
    assert not Case.objects.filter(organisation=tbi).exists()
    assert not AccessRequest.objects.filter(organisation=tbi).exists()
    assert not AuditEvent.objects.filter(action="access.case.opened").exists()


def test_a_case_of_another_kind_a_closed_case_or_another_organisations_case_is_refused(
    tbi, client_for
):
    leader = member(tbi, "tbi-teamleader")
    call = employee_call(tbi)
    # A kind the policy shows the team leader, but not the kind this purpose needs.
    sample = rule(tbi, "training-sample")
    sample.case_kind = CaseKind.MISCONDUCT
    sample.save()
    misconduct = Case.objects.create(
        organisation=tbi,
        kind=CaseKind.MISCONDUCT,
        reference="G-1",
        received_via="internal",
        received_on=date(2026, 11, 1),
        description="Melding",
    )
    with translation.override("en"), pytest.raises(RequestError, match="Complaint"):
        ask(leader, "reactive-request", [call], case=misconduct)
    closed = ask(leader, "complaint-investigation", [call], new_case=draft()).case
    case_set_status(membership=leader, case_id=closed.pk, status=CaseStatus.CLOSED)
    closed.refresh_from_db()
    with translation.override("en"), pytest.raises(RequestError, match="closed"):
        ask(leader, "reactive-request", [call], case=closed)
    rvo = Organisation.objects.get(slug="rvo-klantcontact")
    foreign = Case.objects.create(
        organisation=rvo,
        kind=CaseKind.COMPLAINT,
        reference="K-X",
        received_via="phone",
        received_on=date(2026, 11, 1),
        description="Andere organisatie",
    )
    with translation.override("en"), pytest.raises(RequestError, match="No such case"):
        ask(leader, "reactive-request", [call], case=foreign)
    before = AccessRequest.objects.count()
    client = client_for(leader.user)
    for forged in (foreign.pk, closed.pk, "not-a-uuid"):
        page = client.post(
            reverse("requests:new", kwargs={"org_slug": "tbi-direct"}),
            {
                "kind": "playback",
                "purpose": str(rule(tbi, "reactive-request").purpose_id),
                "recording": str(call.pk),
                "motivation": MOTIVATION,
                "case": str(forged),
            },
        )
        assert page.status_code == 200 and 'class="errors' in page.content.decode()
    assert AccessRequest.objects.count() == before


def test_an_employees_request_is_heard_by_the_named_team_leader_with_the_employee(tbi, client_for):
    employee, leader = member(tbi, "tbi-employee"), member(tbi, "tbi-teamleader")
    manager = member(tbi, "tbi-manager")
    call = employee_call(tbi)
    with translation.override("en"), pytest.raises(RequestError, match="does not listen alone"):
        ask(employee, "reactive-request", [call], new_case=draft())
    with pytest.raises(RequestError):  # not themself
        ask(employee, "reactive-request", [call], new_case=draft(), listener=employee.user)
    with pytest.raises(RequestError):  # a role that may not ask under the rule
        ask(
            employee,
            "reactive-request",
            [call],
            new_case=draft(),
            listener=member(tbi, "tbi-privacyofficer").user,
        )
    assert not Case.objects.filter(organisation=tbi).exists()
    # A team leader's own request names no listener.
    with pytest.raises(RequestError):
        ask(leader, "reactive-request", [call], new_case=draft(), listener=manager.user)

    # Through the form, as the employee does it.
    page = client_for(employee.user).post(
        reverse("requests:new", kwargs={"org_slug": "tbi-direct"}),
        {
            "kind": "playback",
            "purpose": str(rule(tbi, "reactive-request").purpose_id),
            "recording": str(call.pk),
            "motivation": "Ik wil terugluisteren hoe ik de klant over de storing heb uitgelegd.",
            "case": "new",
            "new_case_received_via": "internal",
            "new_case_received_on": NOW.date().isoformat(),
            "new_case_description": "Verzoek van de medewerker zelf.",
            "listener": str(leader.user_id),
        },
    )
    assert page.status_code == 302, page.content.decode()[-2000:]
    request = AccessRequest.objects.get(organisation=tbi)
    assert request.listener == leader.user and request.requester == employee.user
    # Four eyes, three people: the listener may not approve; the manager may.
    assert leader.user not in eligible_approvers(request)
    with translation.override("en"), pytest.raises(RequestError, match="listener"):
        decide(leader, request)
    decide(manager, request)
    grant = Grant.objects.get(request=request)
    assert grant.user == leader.user

    # The employee cannot play it; the team leader only after confirming the employee present.
    employee_client, leader_client = client_for(employee.user), client_for(leader.user)
    assert employee_client.get(audio_url(call, "reactive-request")).status_code in (403, 404)
    refused = leader_client.get(audio_url(call, "reactive-request"))
    assert refused.status_code == 403
    assert "employee present" in refused.content.decode() or "medewerker" in (
        refused.content.decode()
    )
    assert not AuditEvent.objects.filter(action="access.recording.listened").exists()
    grant.refresh_from_db()
    assert grant.plays == 0
    detail = leader_client.get(
        reverse(
            "access:recording_detail",
            kwargs={"org_slug": "tbi-direct", "recording_id": call.pk},
        )
    ).content.decode()
    assert "data-employee-presence" in detail and call.employee.name in detail
    # Unticked: nothing confirmed.
    leader_client.post(
        reverse(
            "access:recording_employee_present",
            kwargs={"org_slug": "tbi-direct", "recording_id": call.pk},
        ),
        {"purpose": "reactive-request"},
    )
    assert leader_client.get(audio_url(call, "reactive-request")).status_code == 403
    assert confirm_present(leader_client, call, "reactive-request").status_code == 302
    played = leader_client.get(audio_url(call, "reactive-request"))
    assert played.status_code == 200
    assert b"".join(played.streaming_content) == stored(call)
    listen = AuditEvent.objects.get(action="access.recording.listened")
    assert listen.detail["employee_present"] is True
    assert listen.detail["employee"] == call.employee_id
    assert listen.detail["request"] == str(request.pk)
    assert call.employee.name not in str(listen.detail)
    confirmed = AuditEvent.objects.get(action="access.recording.employee_confirmed")
    assert confirmed.actor_id == leader.user_id and confirmed.detail == {
        "employee": call.employee_id
    }
    # The employee sees the request's status and who listened.
    page = employee_client.get(
        reverse("requests:detail", kwargs={"org_slug": "tbi-direct", "request_id": request.pk})
    ).content.decode()
    assert "data-listener" in page and "data-listens" in page
    listens = page.split("data-listens", 1)[1].split("</ul>", 1)[0]
    assert leader.user.get_username() in listens
    # The listener finds the request among theirs.
    mine = leader_client.get(reverse("requests:list", kwargs={"org_slug": "tbi-direct"}))
    assert str(request.pk) in mine.content.decode()


def test_the_database_refuses_a_listener_who_is_the_requester(tbi):
    leader = member(tbi, "tbi-teamleader")
    request = ask(leader, "reactive-request", [employee_call(tbi)], new_case=draft())
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.filter(pk=request.pk).update(listener=leader.user)


def test_a_sampled_call_is_heard_only_through_a_request_with_the_employee_present(tbi, client_for):
    quarter, start, end = quarter_bounds(NOW.date(), AMSTERDAM)
    draw = draw_slot(organisation=tbi, quarter=quarter, slot=1, window=(start, end))
    item = draw.items.select_related("recording", "employee").first()
    call = item.recording
    leader, manager = member(tbi, "tbi-teamleader"), member(tbi, "tbi-manager")
    assert not listen_decision(
        membership=leader, recording=call, purpose_code="training-sample"
    ).allowed
    client = client_for(leader.user)
    queue = client.get(reverse("coaching:samples", kwargs={"org_slug": "tbi-direct"}))
    assert queue.status_code == 200
    link = (
        reverse("requests:new", kwargs={"org_slug": "tbi-direct"})
        + f"?recording={call.pk}&amp;purpose=training-sample"
    )
    assert link in queue.content.decode()
    form = client.get(link.replace("&amp;", "&")).content.decode()
    sample_rule = rule(tbi, "training-sample")
    assert f'value="{sample_rule.purpose_id}" selected' in form
    assert f'value="{call.pk}"' in form  # the sampled call, ticked, as a readable line
    page = client.post(
        reverse("requests:new", kwargs={"org_slug": "tbi-direct"}),
        {
            "kind": "playback",
            "purpose": str(sample_rule.purpose_id),
            "recording": str(call.pk),
            "motivation": "Steekproef van dit kwartaal, samen met de medewerker terugluisteren.",
        },
    )
    assert page.status_code == 302, page.content.decode()[-2000:]
    request = AccessRequest.objects.get(organisation=tbi)
    assert request.case is None  # the sample is no complaint
    decide(manager, request)
    assert client.get(audio_url(call, "training-sample")).status_code == 403
    confirm_present(client, call, "training-sample")
    assert client.get(audio_url(call, "training-sample")).status_code == 200
    listen = AuditEvent.objects.get(action="access.recording.listened")
    assert listen.purpose == "training-sample" and listen.detail["employee_present"] is True
    # A coach (no rule lets the role ask) sees the call but no way to hear it alone.
    coach_page = client_for(member(tbi, "tbi-coach").user).get(
        reverse("coaching:samples", kwargs={"org_slug": "tbi-direct"})
    )
    assert "data-ask-sample" not in coach_page.content.decode()


def test_the_prefill_takes_only_what_the_person_may_see_and_ask(tbi, client_for):
    employee = member(tbi, "tbi-employee")
    other_call = Recording.objects.filter(organisation=tbi).exclude(employee__user=employee.user)
    rvo_call = Recording.objects.filter(organisation__slug="rvo-klantcontact").first()
    client = client_for(employee.user)
    url = reverse("requests:new", kwargs={"org_slug": "tbi-direct"})
    for recording in (other_call.first(), rvo_call):
        page = client.get(f"{url}?recording={recording.pk}&purpose=training-sample")
        assert page.status_code == 200
        assert recording.call_id not in page.content.decode()
        assert "selected" not in page.content.decode().split('name="purpose"', 1)[1][:300]
    page = client.get(f"{url}?recording=nonsense&purpose=%00").content.decode()
    assert 'name="listener"' in page  # an employee names who listens with them
    assert "data-new-case" in page
    # An employee links only cases they opened: asking lists no one else's complaints.
    leader = member(tbi, "tbi-teamleader")
    case = ask(leader, "complaint-investigation", [employee_call(tbi)], new_case=draft()).case
    assert case.reference not in client.get(url).content.decode()
    assert case.reference in client_for(leader.user).get(url).content.decode()


def test_the_administrator_sets_the_new_options_on_the_policy_page(tbi, client_for):
    admin = member(tbi, "tbi-administrator")
    purpose = rule(tbi, "complaint-investigation").purpose
    url = reverse("policy:edit", kwargs={"org_slug": "tbi-direct", "purpose_id": purpose.pk})
    client = client_for(admin.user)
    form = client.get(url).content.decode()
    assert 'name="employee_present"' in form and 'name="employee_request_listener"' in form
    fields = {
        "requester_roles": ["manager", "team_leader"],
        "approver_roles": ["manager"],
        "approvals_required": 1,
        "grant_hours": 72,
        "case_required": "on",
        "case_kind": "complaint",
        "request_expiry_hours": 168,
        "disclosure_link_days": 7,
        "employee_request_listener": "on",
    }
    refused = client.post(url, fields)
    assert refused.status_code == 200 and not rule(tbi, "complaint-investigation").employee_present
    fields.pop("employee_request_listener")
    assert client.post(url, {**fields, "employee_present": "on"}).status_code == 302
    assert rule(tbi, "complaint-investigation").employee_present
    latest = PolicyVersion.objects.filter(organisation=tbi).order_by("-number").first()
    assert latest.snapshot["complaint-investigation"]["employee_present"] is True


def test_tbi_draws_its_sample_once_per_quarter_from_the_quarters_calls(tbi):
    _quarter, _start, end = quarter_bounds(NOW.date(), AMSTERDAM)
    assert draws_due(tbi, now=NOW) == 0  # nothing before the quarter ends
    made = draws_due(tbi, now=end + timedelta(hours=7))
    assert made == 3
    drawn = list(
        tbi.sample_draws.filter(quarter="2026Q4").values_list("items__recording", flat=True)
    )
    drawn = [pk for pk in drawn if pk is not None]
    assert len(drawn) == len(set(drawn)) > 0  # no call drawn twice
    assert draws_due(tbi, now=end + timedelta(hours=8)) == 0
