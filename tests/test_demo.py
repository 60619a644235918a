"""The demo: both seed organisations, one user per role, idempotent, refused in production."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.verification import chains_verify
from earshot.demo import DEMO_PASSWORD
from organisations.constants import Role
from organisations.models import Membership, Organisation
from register.constants import DataCategory
from register.models import ProcessingActivity
from register.selectors import retention_for_category

pytestmark = pytest.mark.django_db


def test_demo_refuses_to_load_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="EARSHOT_DEMO=1"):
        call_command("loaddemo")
    assert not Organisation.objects.exists()


# The one red line the demo shows on purpose: neither seed policy says how long requests,
# cases and disclosures are kept, so the register shows that a period is still to be declared.
DELIBERATE_PROBLEM = "Bewaartermijn van verzoeken, zaken en verstrekkingen"


def _everything(organisation) -> dict:
    from access.models import AccessRequest
    from coaching.models import Evaluation
    from recordings.models import Recording
    from retention.models import PurgeRun

    return {
        "recordings": Recording.objects.filter(organisation=organisation).count(),
        "evaluations": Evaluation.objects.filter(organisation=organisation).count(),
        "requests": AccessRequest.objects.filter(organisation=organisation).count(),
        "purge runs": PurgeRun.objects.filter(organisation=organisation).count(),
    }


def test_demo_is_a_living_organisation_and_loads_twice(settings, capsys, client_for):
    from datetime import timedelta

    from django.db.models import Count, Max, Min
    from django.utils import timezone

    from access.constants import RequestStatus
    from access.models import AccessRequest, Case
    from coaching.constants import EvaluationStatus, SessionStatus
    from coaching.models import CalibrationSession, Evaluation, SampleDraw
    from recordings.constants import RecordingStatus
    from recordings.models import Recording
    from register.evidence import evidence_for
    from retention.constants import HoldStatus
    from retention.models import LegalHold, PurgeRun
    from subjects.models import SubjectRequest
    from transcripts.models import Transcript

    settings.DEMO = True
    call_command("loaddemo")
    out = capsys.readouterr().out
    for stage in ("Organisations", "Six months", "Audit trail", "Demo ready"):
        assert stage in out
    # The key files are dated like their rows (the history's moved clock): sweep_keys --destroy
    # right after the load has nothing to do and does not take the database for an old backup.
    call_command("sweep_keys", "--destroy")
    swept = capsys.readouterr()
    assert (
        "0 key file(s) destroyed; 0 left to destroy; 0 live key(s) missing; 0 damaged." in swept.out
    )
    assert "older" not in swept.err
    assert set(Organisation.objects.values_list("slug", flat=True)) == {
        "rvo-klantcontact",
        "tbi-direct",
    }
    rvo = Organisation.objects.get(slug="rvo-klantcontact")
    tbi = Organisation.objects.get(slug="tbi-direct")
    for organisation in (rvo, tbi):
        roles = set(
            Membership.objects.filter(organisation=organisation).values_list("role", flat=True)
        )
        assert roles == set(Role.values)
    assert get_user_model().objects.get(username="tbi-manager").check_password(DEMO_PASSWORD)
    assert set(
        Membership.objects.filter(user__username="demo-multi").values_list(
            "organisation__slug", flat=True
        )
    ) == {"rvo-klantcontact", "tbi-direct"}
    rvo_activity = ProcessingActivity.objects.get(reference="M10495")
    assert rvo_activity.purposes.count() == 9
    assert rvo_activity.data_subject_entries.count() == 7
    now = timezone.now()

    # Months of calls, none older than its organisation declares; older ones are tombstones.
    for organisation, days in ((rvo, 28), (tbi, 62)):
        declared = retention_for_category(
            organisation=organisation, category=DataCategory.RECORDING
        )
        assert declared.days == days
        calls = Recording.objects.filter(organisation=organisation)
        active = calls.filter(status=RecordingStatus.ACTIVE)
        assert active.count() >= 40
        span = active.aggregate(oldest=Min("started_at"), newest=Max("started_at"))
        assert now - span["oldest"] <= timedelta(days=days)
        assert span["oldest"] < now - timedelta(days=days - 7)
        assert span["newest"] > now - timedelta(days=4)
        assert calls.filter(status=RecordingStatus.PURGED, employee__isnull=True).count() >= 20
        assert not calls.filter(purge_deadline__lte=now, status=RecordingStatus.ACTIVE).exists()
        runs = PurgeRun.objects.filter(organisation=organisation)
        assert runs.count() >= 20 and runs.filter(purged__gt=0).exists()
        assert runs.order_by("-started_at").first().started_at > now - timedelta(hours=26)
        # The register: green but for the one deliberate problem.
        red = [line.label for line in evidence_for(organisation) if not line.ok]
        assert red == [DELIBERATE_PROBLEM], red

    # Released evaluations over six months by several coaches; they outlive the audio.
    released = Evaluation.objects.filter(
        organisation=rvo,
        calibration__isnull=True,
        status__in=(EvaluationStatus.RELEASED, EvaluationStatus.ACKNOWLEDGED),
    )
    months = {e.released_at.strftime("%Y-%m") for e in released}
    assert len(months) >= 6
    assert released.values("coach").distinct().count() >= 3
    assert released.filter(recording__status=RecordingStatus.PURGED).count() >= 20
    assert released.filter(status=EvaluationStatus.ACKNOWLEDGED).exists()
    assert released.filter(
        status=EvaluationStatus.RELEASED, employee__user__username="rvo-employee"
    ).exists()
    assert Evaluation.objects.filter(
        organisation=rvo, status=EvaluationStatus.DRAFT, coach__username="rvo-coach"
    ).exists()
    closed = CalibrationSession.objects.get(organisation=rvo, status=SessionStatus.CLOSED)
    assert closed.alpha is not None and closed.alpha > 0.3
    assert CalibrationSession.objects.filter(organisation=rvo, status=SessionStatus.OPEN).exists()

    # The quarter's sample was drawn and worked with the employee present.
    draws = SampleDraw.objects.filter(organisation=tbi)
    assert draws.count() >= 3  # six months hold at least one quarter's end: three slots
    assert draws.filter(items__isnull=False).exists()
    assert draws.filter(items__done_at__isnull=False, items__employee_present=True).exists()

    # Requests in every state, each kept with its case.
    statuses = dict(AccessRequest.objects.values_list("status").annotate(n=Count("id")).order_by())
    for status in (
        RequestStatus.PENDING,
        RequestStatus.APPROVED,
        RequestStatus.DENIED,
        RequestStatus.EXPIRED,
        RequestStatus.REVOKED,
    ):
        assert statuses.get(status), status
    assert Case.objects.filter(organisation=tbi).count() >= 5
    live_grants = AccessRequest.objects.filter(
        organisation=tbi,
        status=RequestStatus.APPROVED,
        grant__expires_at__gt=now,
        grant__revoked_at__isnull=True,
    )
    assert live_grants.exists()
    holds = LegalHold.objects.all()
    active_hold = holds.get(status=HoldStatus.ACTIVE)
    assert active_hold.recordings.get().status == RecordingStatus.HELD
    assert active_hold.recordings.get().purge_deadline < now  # kept past its 28 days
    assert holds.filter(status=HoldStatus.PENDING).exists()
    assert SubjectRequest.objects.filter(organisation=rvo).exists()
    assert SubjectRequest.objects.filter(organisation=tbi).exists()
    assert Transcript.objects.filter(recording__organisation=tbi).exists()
    # Calls were heard through the gate, each listen in the trail (with the employee present
    # for TBI's sample).
    from audit.models import AuditEvent

    listens = AuditEvent.objects.filter(action="access.recording.listened")
    assert listens.filter(organisation=rvo, purpose="quality-improvement").count() >= 20
    assert listens.filter(
        organisation=tbi, purpose="training-sample", detail__employee_present=True
    ).exists()
    assert all(report.ok for report in chains_verify())

    # What the demo users see.
    pages = [
        ("rvo-coach", rvo, "organisations:dashboard"),
        ("rvo-coach", rvo, "coaching:overview"),
        ("rvo-coach", rvo, "coaching:reports"),
        ("rvo-privacyofficer", rvo, "register:overview"),
        ("rvo-privacyofficer", rvo, "retention:overview"),
        ("rvo-auditor", rvo, "audit:trail"),
        ("tbi-manager", tbi, "organisations:dashboard"),
        ("tbi-manager", tbi, "requests:list"),
        ("tbi-teamleader", tbi, "coaching:samples"),
    ]
    for username, organisation, name in pages:
        client = client_for(get_user_model().objects.get(username=username))
        response = client.get(reverse(name, kwargs={"org_slug": organisation.slug}))
        assert response.status_code == 200, (username, name)

    # A second load changes nothing and still verifies.
    before = {o.slug: _everything(o) for o in (rvo, tbi)}
    counts = (Membership.objects.count(), get_user_model().objects.count())
    call_command("loaddemo")
    assert {o.slug: _everything(o) for o in (rvo, tbi)} == before
    assert (Membership.objects.count(), get_user_model().objects.count()) == counts
    assert "(0 objects created)" in capsys.readouterr().out
    assert all(report.ok for report in chains_verify())


def test_demo_policy_follows_the_seeds_and_four_eyes_works_in_it(settings):
    """TBI: every playback is asked for and approved by a second person; RVO: a manager hears a
    call only for misconduct or a threat, on a case; the police may get a copy of a threat.
    (Loaded without its six months of history: a dozen calls of the last days.)"""
    from django.test import TestCase

    from access.four_eyes import CaseDraft, RequestError, request_create, request_decide
    from access.models import PolicyVersion, PurposeRule, StandingRight
    from access.policy import listen_decision, recordings_visible_to
    from recordings.models import Recording

    settings.DEMO = True
    call_command("loaddemo", "--without-history")
    tbi = Organisation.objects.get(slug="tbi-direct")
    rvo = Organisation.objects.get(slug="rvo-klantcontact")
    assert not StandingRight.objects.filter(organisation=tbi).exists()
    assert PolicyVersion.objects.filter(organisation=tbi, number=1).exists()
    # TBI may send the customer an anonymised transcript; RVO declares no such purpose.
    from transcripts.models import TranscriptPurpose

    assert [t.purpose.code for t in TranscriptPurpose.objects.filter(organisation=tbi)] == [
        "customer-transcript"
    ]
    assert not TranscriptPurpose.objects.filter(organisation=rvo).exists()
    threat = PurposeRule.objects.get(purpose__code="threat-investigation", organisation=rvo)
    assert threat.case_required and threat.requester_roles == [Role.MANAGER]
    assert [r.name for r in threat.disclosure_recipients.all()] == [
        "Politie, in geval van bedreiging."
    ]

    def member(username, organisation):
        return Membership.objects.select_related("user", "organisation").get(
            user__username=username, organisation=organisation
        )

    leader, manager = member("tbi-teamleader", tbi), member("tbi-manager", tbi)
    # A call nobody asked for yet (the demo's history has requests on others).
    call = (
        Recording.objects.filter(organisation=tbi, status="active", access_requests__isnull=True)
        .order_by("started_at")
        .first()
    )
    assert not listen_decision(
        membership=leader, recording=call, purpose_code="reactive-request"
    ).allowed
    # An RVO manager cannot ask for a TBI purpose, nor a TBI manager for a complaint without a case.
    with pytest.raises(RequestError):
        request_create(
            membership=manager,
            purpose=PurposeRule.objects.get(purpose__code="complaint-investigation").purpose,
            motivation="Klant klaagt over de afhandeling van zijn storing in dit gesprek.",
            recordings=[call],
        )
    # TBI records every reactive request in the complaints register: without a case, refused.
    reactive = PurposeRule.objects.get(purpose__code="reactive-request").purpose
    motivation = "Medewerker vraagt het gesprek terug te luisteren na een klacht."
    with pytest.raises(RequestError):
        request_create(
            membership=leader, purpose=reactive, motivation=motivation, recordings=[call]
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = request_create(
            membership=leader,
            purpose=reactive,
            motivation=motivation,
            recordings=[call],
            new_case=CaseDraft(
                received_via="phone",
                received_on=call.started_at.date(),
                description="Klacht over de afhandeling van een storing.",
            ),
        )
        request_decide(membership=manager, request_id=request.pk, outcome="approve")
    assert listen_decision(
        membership=leader, recording=call, purpose_code="reactive-request"
    ).allowed
    # A TBI employee may ask about their own calls, so sees them listed (and nobody else's).
    employee = member("tbi-employee", tbi)
    visible = recordings_visible_to(membership=employee)
    assert visible.exists()
    assert set(visible.values_list("employee__user", flat=True)) == {employee.user_id}
