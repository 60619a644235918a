"""Tenants are sealed: every URL of the project, walked with a user of another organisation.

New URL patterns are covered automatically. A pattern under o/<org_slug>/ must be resolved
through organisations.decorators.organisation_view; any other pattern must be listed in
PUBLIC_URL_NAMES on purpose. A pattern with a keyword argument this test cannot fill makes it
fail: add a maker for it to KWARG_MAKERS.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from access.models import AccessRequest, Case
from access.rules import policy_version_record
from access.tests.conftest import register_for
from organisations.models import Membership
from recordings.tests.factories import recording_create
from recordings.tokens import ingest_token_create
from register.models import Purpose
from retention.models import LegalHold

# api_recording_ingest authenticates with an organisation's token instead (recordings/tests).
PUBLIC_URL_NAMES = {
    "home",
    "login",
    "logout",
    "two_factor",
    # A signed-in user's own backup codes (organisations/tests/test_backup_codes.py).
    "two_factor_backup_codes",
    "set_language",
    "healthz",
    "api_recording_ingest",
    "api_schema",
    # The outside recipient's disclosure link: a secret token plus a separately sent code
    # (access/tests/test_disclosures.py).
    "disclosure_open",
    "disclosure_download",
    # The link of an invitation e-mail (organisations/tests/test_invitations.py).
    "invitation_accept",
    # An organisation's published form for data subject requests, its confirmation link
    # (subjects/tests/test_public_form.py).
    "subjects_public:form",
    "subjects_public:sent",
    "subjects_public:confirm",
}

# For each URL keyword: how to name an object of the victim organisation.
KWARG_MAKERS = {
    "org_slug": lambda cast: cast.organisation.slug,
    "membership_id": lambda cast: (
        Membership.objects.filter(organisation=cast.organisation).first().pk
    ),
    "recording_id": lambda cast: recording_create(organisation=cast.organisation).pk,
    "request_id": lambda cast: _victim_request(cast).pk,
    "case_id": lambda cast: _victim_case(cast).pk,
    "purpose_id": lambda cast: _victim_purposes(cast)["misconduct"].pk,
    "hold_id": lambda cast: _victim_hold(cast).pk,
    "evaluation_id": lambda cast: _victim_evaluation(cast).pk,
    "form_id": lambda cast: _victim_evaluation(cast).form_version.form_id,
    "session_id": lambda cast: _victim_session(cast).pk,
    "draw_id": lambda cast: _victim_draw(cast).pk,
    "dispute_id": lambda cast: _victim_dispute(cast).pk,
    "list_id": lambda cast: _victim_destruction_list(cast).pk,
    "item_id": lambda cast: _victim_draw(cast).items.get().pk,
    "consent_id": lambda cast: _victim_session(cast).consent_id,
    "activity_id": lambda cast: _victim_purposes(cast)["misconduct"].activity_id,
    # Every export format names the same register; JSON carries all of it.
    "fmt": lambda cast: "json",
    "number": lambda cast: (
        policy_version_record(organisation=cast.organisation, actor=None, summary="test").number
    ),
    "invitation_id": lambda cast: _victim_invitation(cast).pk,
    "reset_id": lambda cast: _victim_two_factor_reset(cast).pk,
    "token_id": lambda cast: (
        ingest_token_create(organisation=cast.organisation, name="Victim PBX", actor=None)[0].pk
    ),
    "team_id": lambda cast: _victim_team(cast).pk,
    "employee_id": lambda cast: _victim_employee(cast).pk,
    "change_id": lambda cast: _victim_role_change(cast).pk,
    "transcript_id": lambda cast: _victim_transcript(cast).pk,
    "utterance_id": lambda cast: _victim_transcript(cast).utterances.get().pk,
    "redaction_id": lambda cast: _victim_transcript(cast).utterances.get().redactions.get().pk,
    "subject_request_id": lambda cast: _victim_subject_request(cast).pk,
    "answer_id": lambda cast: _victim_subject_answer(cast).pk,
    "record_id": lambda cast: _victim_transcript_record(cast).pk,
}


def _victim_transcript_record(cast):
    """An anonymised transcript kept with a case."""
    from transcripts.models import TranscriptCaseRecord

    return TranscriptCaseRecord.objects.create(
        organisation=cast.organisation,
        case=_victim_case(cast),
        language="nl",
        anonymised_text="[NAAM] belde over de levering.",
        sha256="0" * 64,
        call_started_at=timezone.now(),
    )


def _victim_subject_answer(cast):
    """An answer to a data subject request waiting for the second person's approval."""
    from subjects.answer_models import SubjectAnswer

    return SubjectAnswer.objects.create(
        organisation=cast.organisation,
        subject_request=_victim_subject_request(cast),
        action="decision_only",
        decision="refused",
        reason="Test",
        language="nl",
        prepared_by=cast["privacy_officer"],
    )


def _victim_subject_request(cast):
    from subjects.constants import SubjectReceivedVia, SubjectRight
    from subjects.models import SubjectRequest

    return SubjectRequest.objects.create(
        organisation=cast.organisation,
        reference=f"AVG-2026-{SubjectRequest.objects.count() + 1:04d}",
        right=SubjectRight.ACCESS,
        received_on=date.today(),
        received_via=SubjectReceivedVia.EMAIL,
        requester_name="Slachtoffer",
        deadline=date.today() + timedelta(days=30),
    )


def _victim_transcript(cast):
    from access.models import Grant
    from transcripts.models import Redaction, Transcript, Utterance

    request = _victim_request(cast)
    now = timezone.now()
    grant = Grant.objects.create(
        request=request,
        user=request.requester,
        starts_at=now,
        expires_at=now + timedelta(days=1),
    )
    transcript = Transcript.objects.create(
        organisation=cast.organisation,
        recording=request.recordings.get(),
        request=request,
        grant=grant,
        purpose=request.purpose,
        author=request.requester,
        status="submitted",
    )
    utterance = Utterance.objects.create(
        transcript=transcript, position=1, start_seconds=1, speaker="customer", text="Jan hier"
    )
    Redaction.objects.create(utterance=utterance, start=0, end=3, kind="name", detector="manual")
    return transcript


def _victim_invitation(cast):
    from organisations.invitations import invitation_create
    from organisations.models import Invitation

    invitation = invitation_create(
        organisation=cast.organisation,
        email="invited@victim.example",
        role="administrator",
        actor=cast["administrator"],
    )[0]
    # Waiting for approval, so that approve, deny and revoke all have something to act on.
    Invitation.objects.filter(pk=invitation.pk).update(needs_approval=True)
    return invitation


def _victim_two_factor_reset(cast):
    from organisations.models import TwoFactorReset

    return TwoFactorReset.objects.create(
        organisation=cast.organisation,
        member=cast["manager"],
        motivation="Telefoon kwijt; de beheerder heeft de identiteit gecontroleerd.",
        requested_by=cast["administrator"],
    )


def _victim_team(cast):
    from organisations.tests.factories import TeamFactory

    return TeamFactory(organisation=cast.organisation)


def _victim_employee(cast):
    from organisations.tests.factories import EmployeeFactory

    return EmployeeFactory(organisation=cast.organisation)


def _victim_role_change(cast):
    from organisations.models import RoleChangeRequest

    target = Membership.objects.get(organisation=cast.organisation, user=cast["auditor"])
    return RoleChangeRequest.objects.create(
        organisation=cast.organisation,
        membership=target,
        old_role=target.role,
        new_role="coach",
        requested_by=cast["administrator"],
    )


def _victim_two_factor_reset(cast):
    from organisations.models import TwoFactorReset

    return TwoFactorReset.objects.create(
        organisation=cast.organisation,
        member=cast["manager"],
        motivation="Telefoon kwijt; de beheerder heeft de identiteit gecontroleerd.",
        requested_by=cast["administrator"],
    )


def _victim_evaluation(cast):
    from coaching.models import Evaluation
    from coaching.qm_forms import form_create, version_publish
    from coaching.tests.conftest import SECTIONS

    purposes = _victim_purposes(cast)
    version = version_publish(
        version=form_create(
            organisation=cast.organisation, name="Tenancy", sections=SECTIONS, actor=None
        ),
        actor=None,
    )
    call = recording_create(organisation=cast.organisation)
    return Evaluation.objects.create(
        organisation=cast.organisation,
        form_version=version,
        recording=call,
        purpose=purposes["coaching"],
        call_started_at=call.started_at,
        coach=cast["coach"],
    )


def _victim_destruction_list(cast):
    from retention.models import DestructionList

    return DestructionList.objects.create(
        organisation=cast.organisation,
        number=1,
        items=[],
        grounds={},
        proposed_by=cast["privacy_officer"],
        status="destroyed",
    )


def _victim_dispute(cast):
    from coaching.models import Criterion, Dispute

    evaluation = _victim_evaluation(cast)
    return Dispute.objects.create(
        evaluation=evaluation,
        criterion=Criterion.objects.filter(section__version=evaluation.form_version).first(),
        reason="Dit antwoord klopt niet met het gesprek",
        raised_by=cast["employee"],
    )


def _victim_draw(cast):
    from coaching.sampling import draw_slot
    from organisations.tests.factories import EmployeeFactory

    employee = EmployeeFactory(organisation=cast.organisation)
    call = recording_create(organisation=cast.organisation, employee=employee)
    start = call.started_at - timedelta(days=1)
    return draw_slot(
        organisation=cast.organisation,
        quarter="2026Q4",
        slot=1,
        window=(start, start + timedelta(days=2)),
    )


def _victim_session(cast):
    from datetime import date

    from coaching.models import CalibrationSession, Consent
    from organisations.tests.factories import EmployeeFactory

    evaluation = _victim_evaluation(cast)
    employee = EmployeeFactory(organisation=cast.organisation, user=cast["employee"])
    consent = Consent.objects.create(
        organisation=cast.organisation,
        recording=evaluation.recording,
        employee=employee,
        use="calibration",
        asked_by=cast["coach"],
    )
    session = CalibrationSession.objects.create(
        organisation=cast.organisation,
        recording=evaluation.recording,
        form_version=evaluation.form_version,
        purpose=evaluation.purpose,
        consent=consent,
        lead=cast["coach"],
        closes_by=date.today(),
        call_started_at=evaluation.call_started_at,
    )
    session.participants.set([cast["coach"]])
    return session


def _victim_purposes(cast):
    existing = Purpose.objects.filter(activity__organisation=cast.organisation)
    if existing.exists():
        return {purpose.code: purpose for purpose in existing}
    return register_for(cast.organisation)


def _victim_case(cast):
    return Case.objects.create(
        organisation=cast.organisation,
        kind="misconduct",
        reference=f"G-{Case.objects.count() + 1}",
        received_via="internal",
        received_on=date.today(),
        description="Vermoeden",
    )


def _victim_hold(cast):
    hold = LegalHold.objects.create(
        organisation=cast.organisation,
        motivation="Politie vraagt de opname te bewaren voor het onderzoek.",
        review_on=date.today() + timedelta(days=30),
        placed_by=cast["manager"],
    )
    hold.recordings.add(recording_create(organisation=cast.organisation))
    return hold


def _victim_request(cast):
    request = AccessRequest.objects.create(
        organisation=cast.organisation,
        requester=cast["manager"],
        purpose=_victim_purposes(cast)["misconduct"],
        motivation="Een verzoek van de andere organisatie dat niemand anders mag zien.",
        case=_victim_case(cast),
        expires_at=timezone.now() + timedelta(days=1),
    )
    request.recordings.add(recording_create(organisation=cast.organisation))
    return request


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


ALL_PATTERNS = list(_walk(get_resolver().url_patterns))
TENANT_PATTERNS = [p for p in ALL_PATTERNS if "<slug:org_slug>" in p[0]]
# The installation administrator's pages: nobody else, whatever their role, gets in.
INSTALLATION_PATTERNS = [p for p in ALL_PATTERNS if p[0].startswith("installation/")]
INSTALLATION_KWARGS = {"slug": lambda cast: cast.organisation.slug, **KWARG_MAKERS}


def test_every_url_is_either_tenant_scoped_or_deliberately_public():
    stray = {
        name
        for route, name, _ in ALL_PATTERNS
        if "<slug:org_slug>" not in route and not route.startswith("installation/")
    }
    assert stray == PUBLIC_URL_NAMES, (
        "A URL outside o/<org_slug>/ must be added to PUBLIC_URL_NAMES on purpose: "
        f"{sorted(stray ^ PUBLIC_URL_NAMES)}"
    )


@pytest.mark.parametrize("route,name,pattern", TENANT_PATTERNS, ids=[p[1] for p in TENANT_PATTERNS])
def test_tenant_view_is_resolved_through_the_organisation_gate(route, name, pattern):
    assert hasattr(pattern.callback, "organisation_permission"), (
        f"{name} ({route}) must be wrapped in organisations.decorators.organisation_view"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,pattern", TENANT_PATTERNS, ids=[p[1] for p in TENANT_PATTERNS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_user_of_another_organisation_gets_nothing(cast, client_for, route, name, pattern, method):
    unknown = set(_route_kwargs(route)) - set(KWARG_MAKERS)
    assert not unknown, f"add a maker for {sorted(unknown)} to KWARG_MAKERS"
    kwargs = {key: KWARG_MAKERS[key](cast) for key in _route_kwargs(route)}
    url = reverse(name, kwargs=kwargs)
    client = client_for(cast.outsider)
    response = getattr(client, method)(url)
    assert response.status_code in (403, 404), f"{method.upper()} {url}: {response.status_code}"
    assert cast.organisation.name.encode() not in response.content


def _route_kwargs(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


@pytest.mark.parametrize(
    "route,name,pattern", INSTALLATION_PATTERNS, ids=[p[1] for p in INSTALLATION_PATTERNS]
)
def test_installation_view_is_for_installation_administrators_only(route, name, pattern):
    assert getattr(pattern.callback, "installation_view", False), (
        f"{name} ({route}) must be wrapped in organisations.views_installation.installation_view"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route,name,pattern", INSTALLATION_PATTERNS, ids=[p[1] for p in INSTALLATION_PATTERNS]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_no_organisation_member_reaches_the_installation_pages(
    cast, client_for, route, name, pattern, method
):
    kwargs = {key: INSTALLATION_KWARGS[key](cast) for key in _route_kwargs(route)}
    url = reverse(name, kwargs=kwargs)
    for user in [*cast.users.values(), cast.outsider]:
        response = getattr(client_for(user), method)(url)
        assert response.status_code == 403, f"{user} {method.upper()} {url}"
        assert cast.organisation.name.encode() not in response.content
