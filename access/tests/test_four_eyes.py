"""Four eyes: every way around the rules, tried through the services and the pages."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from access.constants import CaseKind, RequestStatus
from access.four_eyes import RequestError, requests_expire
from access.models import AccessRequest, Case, Grant, RequestDecision
from access.selection import recording_line
from audit.models import AuditEvent
from organisations.constants import Role
from organisations.tests.factories import UserFactory, membership

pytestmark = pytest.mark.django_db


def _audio_url(fe, purpose=None):
    url = reverse(
        "access:recording_audio",
        kwargs={"org_slug": fe.cast.organisation.slug, "recording_id": fe.call.pk},
    )
    return f"{url}?purpose={purpose or fe.purpose.code}"


def _detail_url(fe, request, name="detail"):
    return reverse(
        f"requests:{name}",
        kwargs={"org_slug": fe.cast.organisation.slug, "request_id": request.pk},
    )


# --- asking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "motivation",
    ["", ".", "zie ticket", "Luisteren.", "a b c d e f g h", "klacht klacht klacht klacht klacht"],
)
def test_a_request_without_a_real_motivation_is_refused_and_nothing_is_stored(
    four_eyes, motivation
):
    with pytest.raises(RequestError):
        four_eyes.ask(motivation=motivation)
    assert not AccessRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="access.request.created").exists()
    assert mail.outbox == []


def test_a_role_the_policy_does_not_name_cannot_ask(four_eyes):
    for role in ("coach", "employee", "administrator", "auditor"):
        with translation.override("en"), pytest.raises(RequestError, match="role"):
            four_eyes.ask(role)
    assert not AccessRequest.objects.exists()


def test_a_case_is_required_where_the_policy_says_so(four_eyes):
    four_eyes.rule.case_required, four_eyes.rule.case_kind = True, CaseKind.MISCONDUCT
    four_eyes.rule.save()
    with translation.override("en"), pytest.raises(RequestError, match="needs a case"):
        four_eyes.ask()
    complaint = Case.objects.create(
        organisation=four_eyes.cast.organisation,
        kind=CaseKind.COMPLAINT,
        reference="K-1",
        received_via="phone",
        received_on=timezone.localdate(),
        description="Klacht",
    )
    with translation.override("en"), pytest.raises(RequestError):
        four_eyes.ask(case=complaint)  # wrong kind, and not visible to the manager
    case = Case.objects.create(
        organisation=four_eyes.cast.organisation,
        kind=CaseKind.MISCONDUCT,
        reference="G-1",
        received_via="internal",
        received_on=timezone.localdate(),
        description="Vermoeden",
    )
    request = four_eyes.ask(case=case)
    assert request.case == case
    assert list(case.recordings.all()) == [four_eyes.call]


def test_a_recording_of_another_organisation_cannot_be_asked_for(four_eyes):
    from recordings.tests.factories import recording_create

    foreign = recording_create(organisation=four_eyes.cast.other_organisation)
    with pytest.raises(RequestError):
        four_eyes.ask(recordings=[foreign])
    assert not AccessRequest.objects.exists()


def test_approvers_are_notified_by_mail_without_caller_data(four_eyes):
    request = four_eyes.ask()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # The requester is a manager, a role that may approve: they are not asked.
    assert recipients == sorted(
        four_eyes.cast[role].email for role in ("privacy_officer", "team_leader")
    )
    body = mail.outbox[0].body
    assert str(request.pk) in body
    assert four_eyes.call.call_id not in body and four_eyes.call.employee.name not in body


# --- deciding --------------------------------------------------------------------------------


def test_the_requester_can_never_approve_their_own_request(four_eyes, client_for):
    request = four_eyes.ask()
    with translation.override("en"), pytest.raises(RequestError, match="own request"):
        four_eyes.decide("manager", request)
    response = client_for(four_eyes.cast["manager"]).post(
        _detail_url(four_eyes, request, "decide"), {"outcome": "approve"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not Grant.objects.exists()


def test_a_manager_of_another_organisation_cannot_approve(four_eyes, client_for):
    request = four_eyes.ask()
    foreign_manager = UserFactory(username="other-manager")
    membership(foreign_manager, four_eyes.cast.other_organisation, Role.MANAGER)
    client = client_for(foreign_manager)
    # Through their own organisation's URL the request does not exist...
    forged = reverse(
        "requests:decide",
        kwargs={"org_slug": four_eyes.cast.other_organisation.slug, "request_id": request.pk},
    )
    assert client.post(forged, {"outcome": "approve"}).status_code == 404
    # ...and the victim's URL does not exist for them either.
    assert (
        client.post(_detail_url(four_eyes, request, "decide"), {"outcome": "approve"}).status_code
        == 404
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not RequestDecision.objects.exists()


@pytest.mark.parametrize("role", ["coach", "employee", "administrator", "auditor"])
def test_a_role_without_the_approve_right_cannot_approve(four_eyes, client_for, role):
    request = four_eyes.ask()
    with pytest.raises(RequestError):
        four_eyes.decide(role, request)
    response = client_for(four_eyes.cast[role]).post(
        _detail_url(four_eyes, request, "decide"), {"outcome": "approve"}
    )
    assert response.status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and not Grant.objects.exists()


def test_an_approver_role_the_rule_does_not_name_cannot_approve(four_eyes):
    four_eyes.rule.approver_roles = ["privacy_officer"]
    four_eyes.rule.save()
    request = four_eyes.ask()
    with translation.override("en"), pytest.raises(RequestError, match="approver"):
        four_eyes.decide("team_leader", request)
    four_eyes.decide("privacy_officer", request)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_approval_creates_a_grant_bounded_in_time_and_a_second_click_changes_nothing(
    four_eyes, client_for
):
    request = four_eyes.ask()
    approver = client_for(four_eyes.cast["privacy_officer"])
    before = timezone.now()
    with TestCase.captureOnCommitCallbacks(execute=True):
        approver.post(_detail_url(four_eyes, request, "decide"), {"outcome": "approve"})
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    grant = Grant.objects.get(request=request)
    assert grant.user == four_eyes.cast["manager"]
    assert before + timedelta(hours=47) < grant.expires_at <= timezone.now() + timedelta(hours=48)
    # The second click (and a click by a second approver) finds it decided.
    approver.post(_detail_url(four_eyes, request, "decide"), {"outcome": "approve"})
    with translation.override("en"), pytest.raises(RequestError, match="no longer waiting"):
        four_eyes.decide("team_leader", request)
    assert Grant.objects.count() == 1
    assert RequestDecision.objects.count() == 1
    # The requester sees the expiry on the request page and was told by mail.
    page = client_for(four_eyes.cast["manager"]).get(_detail_url(four_eyes, request))
    assert "data-grant" in page.content.decode()
    assert any(four_eyes.cast["manager"].email in m.to for m in mail.outbox)


def test_two_approvals_must_come_from_two_people(four_eyes):
    four_eyes.rule.approvals_required = 2
    four_eyes.rule.save()
    request = four_eyes.ask()
    four_eyes.decide("privacy_officer", request)
    with translation.override("en"), pytest.raises(RequestError, match="already approved"):
        four_eyes.decide("privacy_officer", request)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and not Grant.objects.exists()
    four_eyes.decide("team_leader", request)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert Grant.objects.filter(request=request).count() == 1


def test_deny_needs_a_reason_and_tells_the_requester(four_eyes):
    request = four_eyes.ask()
    with pytest.raises(RequestError):
        four_eyes.decide("privacy_officer", request, "deny")
    mail.outbox.clear()
    four_eyes.decide("privacy_officer", request, "deny", comment="Geen aanwijzing in het dossier.")
    request.refresh_from_db()
    assert request.status == RequestStatus.DENIED
    assert not Grant.objects.exists()
    assert [m.to for m in mail.outbox] == [[four_eyes.cast["manager"].email]]


def test_escalation_passes_the_request_on_to_another_approver(four_eyes):
    request = four_eyes.ask()
    mail.outbox.clear()
    four_eyes.decide(
        "team_leader", request, "escalate", escalate_to=four_eyes.cast["privacy_officer"]
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert request.escalated_to == four_eyes.cast["privacy_officer"]
    assert [m.to for m in mail.outbox] == [[four_eyes.cast["privacy_officer"].email]]
    with pytest.raises(RequestError):  # not to someone who may not approve
        four_eyes.decide("team_leader", request, "escalate", escalate_to=four_eyes.cast["coach"])


def test_csrf_is_required_to_approve(four_eyes):
    request = four_eyes.ask()
    from conftest import signed_in_client

    client = signed_in_client(four_eyes.cast["privacy_officer"])
    client.handler.enforce_csrf_checks = True
    response = client.post(_detail_url(four_eyes, request, "decide"), {"outcome": "approve"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING and not Grant.objects.exists()


def test_a_request_unanswered_past_its_time_expires_and_cannot_be_approved(four_eyes):
    request = four_eyes.ask()
    AccessRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with translation.override("en"), pytest.raises(RequestError, match="Expired"):
        four_eyes.decide("privacy_officer", request)
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert not Grant.objects.exists()
    assert requests_expire() == 0  # already done, nothing counted twice


def test_the_beat_job_expires_pending_requests(four_eyes):
    stale, fresh = four_eyes.ask(), four_eyes.ask()
    AccessRequest.objects.filter(pk=stale.pk).update(expires_at=timezone.now())
    assert requests_expire() == 1
    assert AccessRequest.objects.get(pk=stale.pk).status == RequestStatus.EXPIRED
    assert AccessRequest.objects.get(pk=fresh.pk).status == RequestStatus.PENDING
    assert AuditEvent.objects.filter(action="access.request.expired").count() == 1


def test_only_the_requester_withdraws(four_eyes, client_for):
    request = four_eyes.ask()
    client_for(four_eyes.cast["privacy_officer"]).post(_detail_url(four_eyes, request, "withdraw"))
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    client_for(four_eyes.cast["manager"]).post(_detail_url(four_eyes, request, "withdraw"))
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


# --- the grant at the gate -------------------------------------------------------------------


def _approved(fe):
    request = fe.ask()
    fe.decide("privacy_officer", request)
    return request


def test_without_a_grant_the_requester_hears_nothing(four_eyes, client_for):
    four_eyes.ask()
    response = client_for(four_eyes.cast["manager"]).get(_audio_url(four_eyes))
    assert response.status_code == 403


def test_the_grant_lets_only_the_requester_listen_for_its_purpose_and_each_listen_is_logged(
    four_eyes, client_for
):
    request = _approved(four_eyes)
    manager = client_for(four_eyes.cast["manager"])
    response = manager.get(_audio_url(four_eyes))
    assert response.status_code == 200
    listened = AuditEvent.objects.get(action="access.recording.listened")
    assert listened.purpose == four_eyes.purpose.code
    assert listened.detail["request"] == str(request.pk)
    # Not for another purpose, not for the approver, not for anyone else.
    assert manager.get(_audio_url(four_eyes, "coaching")).status_code == 403
    for role in ("privacy_officer", "team_leader", "coach"):
        assert client_for(four_eyes.cast[role]).get(_audio_url(four_eyes)).status_code in (403, 404)


def test_a_revoked_grant_stops_at_once_also_for_the_next_range_request(four_eyes, client_for):
    request = _approved(four_eyes)
    manager = client_for(four_eyes.cast["manager"])
    assert manager.get(_audio_url(four_eyes), HTTP_RANGE="bytes=0-99").status_code == 206
    client_for(four_eyes.cast["team_leader"]).post(
        _detail_url(four_eyes, request, "revoke"), {"comment": "Onderzoek afgerond"}
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REVOKED
    # The playback already under way asks for its next range: refused.
    assert manager.get(_audio_url(four_eyes), HTTP_RANGE="bytes=100-199").status_code == 403
    assert AuditEvent.objects.filter(action="access.grant.revoked").count() == 1


def test_an_expired_grant_stops_at_once(four_eyes, client_for):
    request = _approved(four_eyes)
    manager = client_for(four_eyes.cast["manager"])
    assert manager.get(_audio_url(four_eyes), HTTP_RANGE="bytes=0-99").status_code == 206
    Grant.objects.filter(request=request).update(expires_at=timezone.now())
    assert manager.get(_audio_url(four_eyes), HTTP_RANGE="bytes=100-199").status_code == 403
    assert client_for(four_eyes.cast["manager"]).get(_audio_url(four_eyes)).status_code == 403


def test_plays_are_bounded_but_a_started_play_may_finish(four_eyes, client_for):
    four_eyes.rule.max_plays = 1
    four_eyes.rule.save()
    request = _approved(four_eyes)
    first = client_for(four_eyes.cast["manager"])
    assert first.get(_audio_url(four_eyes), HTTP_RANGE="bytes=0-99").status_code == 206
    assert first.get(_audio_url(four_eyes), HTTP_RANGE="bytes=100-199").status_code == 206
    assert Grant.objects.get(request=request).plays == 1
    # A new playback (another session) is a second play: refused.
    assert client_for(four_eyes.cast["manager"]).get(_audio_url(four_eyes)).status_code == 403


def test_another_users_request_and_grant_cannot_be_opened_by_guessing(four_eyes, client_for):
    request = _approved(four_eyes)
    for role in ("coach", "employee", "administrator"):
        client = client_for(four_eyes.cast[role])
        assert client.get(_detail_url(four_eyes, request)).status_code in (403, 404)
        assert client.post(_detail_url(four_eyes, request, "revoke")).status_code in (403, 404)
    assert Grant.objects.get(request=request).revoked_at is None


def test_every_step_is_in_the_audit_trail_with_the_purpose(four_eyes, client_for):
    _approved(four_eyes)
    client_for(four_eyes.cast["manager"]).get(_audio_url(four_eyes))
    four_eyes_steps = AuditEvent.objects.filter(action__startswith="access.").exclude(
        action="access.policy.changed"
    )
    assert list(four_eyes_steps.order_by("sequence").values_list("action", "purpose")) == [
        ("access.request.created", "misconduct"),
        ("access.request.approved", "misconduct"),
        ("access.grant.created", "misconduct"),
        ("access.recording.listened", "misconduct"),
    ]


# --- pages -----------------------------------------------------------------------------------


def test_the_approver_sees_the_motivation_in_full_and_the_requesters_history(four_eyes, client_for):
    earlier = four_eyes.ask(
        motivation="Eerder verzoek: klant klaagde over de toon van dit gesprek."
    )
    four_eyes.decide("privacy_officer", earlier, "deny", comment="Onvoldoende aanleiding.")
    long_motivation = "Klant meldt bedreiging. " + "Details van de melding staan hier. " * 20
    request = four_eyes.ask(motivation=long_motivation)
    client = client_for(four_eyes.cast["team_leader"])
    waiting = client.get(reverse("requests:list", kwargs={"org_slug": "acme"})).content.decode()
    assert _detail_url(four_eyes, request) in waiting
    page = client.get(_detail_url(four_eyes, request)).content.decode()
    assert long_motivation.strip() in page.replace("<br>", "")
    assert "data-history" in page and "Eerder verzoek" in page
    assert 'value="approve"' in page


def test_asking_through_the_page(four_eyes, client_for):
    client = client_for(four_eyes.cast["manager"])
    url = reverse("requests:new", kwargs={"org_slug": "acme"})
    page = client.get(f"{url}?recording={four_eyes.call.pk}")
    shown = html.unescape(page.content.decode())
    assert re.search(rf'value="{four_eyes.call.pk}"[^>]*checked', shown)
    assert recording_line(four_eyes.call) in shown and four_eyes.call.call_id not in shown
    with translation.override("en"):
        response = client.post(
            url,
            {
                "kind": "playback",
                "purpose": str(four_eyes.purpose.pk),
                "recording": str(four_eyes.call.pk),
                "motivation": ".",
            },
        )
    assert response.status_code == 200 and not AccessRequest.objects.exists()
    response = client.post(
        url,
        {
            "kind": "playback",
            "purpose": str(four_eyes.purpose.pk),
            "recording": [str(four_eyes.call.pk), str(uuid.uuid4())],
            "motivation": "Klant meldt dat de medewerker hem uitschold tijdens dit gesprek.",
        },
    )
    assert response.status_code == 200 and "Niets is gedaan" in response.content.decode()
    assert not AccessRequest.objects.exists()
    response = client.post(
        url,
        {
            "kind": "playback",
            "purpose": str(four_eyes.purpose.pk),
            "recording": str(four_eyes.call.pk),
            "motivation": "Klant meldt dat de medewerker hem uitschold tijdens dit gesprek.",
        },
    )
    created = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail_url(four_eyes, created)


def test_a_stale_page_and_a_forged_id_change_nothing(four_eyes, client_for):
    client = client_for(four_eyes.cast["privacy_officer"])
    forged = reverse("requests:decide", kwargs={"org_slug": "acme", "request_id": uuid.uuid4()})
    assert client.post(forged, {"outcome": "approve"}).status_code == 404
    assert Client().post(forged, {"outcome": "approve"}).status_code == 302  # to sign-in


def test_a_request_reaches_only_calls_the_person_may_find(four_eyes, client_for):
    """An employee allowed to ask may ask about their own calls, not a colleague's; an unknown
    and a hidden call read the same, so a request reveals nothing."""
    four_eyes.rule.requester_roles = ["manager", "employee"]
    four_eyes.rule.save()
    with pytest.raises(RequestError):
        four_eyes.ask("employee", recordings=[four_eyes.call])
    own = four_eyes.ask("employee", recordings=[four_eyes.gate.own_call])
    assert list(own.recordings.all()) == [four_eyes.gate.own_call]
    page = client_for(four_eyes.cast["employee"]).post(
        reverse("requests:new", kwargs={"org_slug": "acme"}),
        {
            "kind": "playback",
            "purpose": str(four_eyes.purpose.pk),
            "recording": str(four_eyes.call.pk),
            "motivation": "Ik wil het gesprek van mijn collega terugluisteren voor mijn les.",
        },
    )
    assert "Niets is gedaan" in page.content.decode()  # refused as unknown
    assert AccessRequest.objects.count() == 1


def test_the_dashboard_tells_an_approver_what_waits(four_eyes, client_for):
    four_eyes.ask()
    dashboard = reverse("organisations:dashboard", kwargs={"org_slug": "acme"})
    page = client_for(four_eyes.cast["privacy_officer"]).get(dashboard).content.decode()
    todos = page.split("data-todos", 1)[1]
    assert "Verzoeken die op uw besluit wachten" in todos
    assert '<span class="count" data-count>1</span>' in todos
    # Not for the requester, nor for a role that cannot decide.
    for role in ("manager", "coach"):
        assert "data-todos" not in client_for(four_eyes.cast[role]).get(dashboard).content.decode()
