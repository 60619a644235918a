"""What the demo's people do during the six months (earshot/demo_life.py plays it): coaches
evaluate and calibrate, employees read and consent, managers ask, approve, deny and revoke,
holds are placed, the privacy officer registers subject requests. Each step is a service call
at its own moment; the moments are days before now."""

from __future__ import annotations

import random
import zoneinfo
from datetime import datetime, time, timedelta
from functools import partial

from django.utils import timezone

from earshot.demo_life import DENSE, SEED, PlannedCall, Timeline, member
from earshot.demo_listen import listen
from organisations.models import Organisation

RVO, TBI = "rvo-klantcontact", "tbi-direct"
COACHES = {RVO: ["rvo-coach", "rvo-coach2", "demo-multi"]}
SUMMARIES = [
    "Vriendelijk gesprek; de vraag werd snel helder. Let op het samenvatten van de afspraken.",
    "Goede opening. Het antwoord was juist, maar vraag vaker door naar de achterliggende vraag.",
    "Rustig en duidelijk. Controleer de identiteit voordat u gegevens noemt.",
    "Sterk gesprek: begrijpelijke taal en een volledige afsluiting.",
    "De klant moest lang wachten op het antwoord; gebruik de kennisbank eerder.",
]


def _day(organisation: Organisation, now: datetime, back: int, hour: int, minute: int = 0):
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    day = now.astimezone(zone).date() - timedelta(days=back)
    return datetime.combine(day, time(hour, minute), zone)


def _recording(organisation: Organisation, **filters):
    from recordings.constants import RecordingStatus
    from recordings.models import Recording

    return (
        Recording.objects.filter(organisation=organisation, status=RecordingStatus.ACTIVE)
        .filter(**filters)
        .order_by("-started_at")
        .first()
    )


def _older_than(organisation: Organisation, days: float, **filters):
    """The newest active call that started at least `days` before the (moved) clock."""
    return _recording(organisation, started_at__lt=timezone.now() - timedelta(days=days), **filters)


def _version(organisation: Organisation):
    from coaching.constants import VersionStatus
    from coaching.models import FormVersion

    return FormVersion.objects.get(form__organisation=organisation, status=VersionStatus.PUBLISHED)


def _answers(version, rng: random.Random, quality: float) -> dict:
    """Answers that are better with a higher quality (0..1), never a fatal failure."""
    from coaching.constants import AnswerType
    from coaching.evaluations import AnswerInput
    from coaching.qm_forms import version_criteria

    answers = {}
    for criterion in version_criteria(version):
        good = rng.random() < quality
        if criterion.kind == "fatal":
            value = 1
        elif criterion.answer_type == AnswerType.SCALE_1_5:
            value = max(1, min(5, round(1 + 4 * quality + rng.gauss(0, 0.8))))
        elif criterion.answer_type == AnswerType.SCALE_0_10:
            value = max(0, min(10, round(10 * quality + rng.gauss(0, 1.5))))
        else:
            value = 1 if good else 0
        answers[criterion.pk] = AnswerInput(value=value)
    return answers


def evaluate(organisation, call_id: str, coach: str, quality: float, seed: str, release=True):
    from coaching.evaluations import evaluation_release, evaluation_save_draft, evaluation_start
    from recordings.models import Recording

    rng = random.Random(seed)
    membership = member(organisation, coach)
    recording = Recording.objects.filter(organisation=organisation, call_id=call_id).first()
    if recording is None:
        return None
    version = _version(organisation)
    listen(organisation, coach, recording, "quality-improvement")
    evaluation = evaluation_start(
        membership=membership,
        recording=recording,
        version=version,
        purpose_code="quality-improvement",
    )
    answers = _answers(version, rng, quality)
    if not release:  # a draft the coach is still working on: half answered
        answers = dict(list(answers.items())[: len(answers) // 2])
    evaluation_save_draft(
        membership=membership,
        evaluation_id=evaluation.pk,
        answers=answers,
        summary=rng.choice(SUMMARIES) if release else "",
    )
    if release:
        evaluation_release(membership=membership, evaluation_id=evaluation.pk)
    return evaluation


def acknowledge(organisation, call_id: str, username: str) -> None:
    from coaching.evaluations import evaluation_acknowledge
    from coaching.models import Evaluation

    evaluation = Evaluation.objects.filter(
        organisation=organisation, recording__call_id=call_id, calibration__isnull=True
    ).first()
    if evaluation is not None:
        evaluation_acknowledge(
            membership=member(organisation, username), evaluation_id=evaluation.pk
        )


def _next_weekday(moment: datetime) -> datetime:
    moment += timedelta(days=1)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def evaluations(timeline: Timeline, organisation, calls: list[PlannedCall], now: datetime):
    """Released evaluations across the six months by several coaches, the scores slowly
    rising; the demo employee reads most of theirs the next day. One draft stays open."""
    coaches = COACHES.get(organisation.slug)
    if not coaches or not calls:
        return
    rng = random.Random(f"{SEED}:{organisation.slug}:evaluations")
    dense_days = DENSE[organisation.slug][0]
    first, span = calls[0].started_at, (now - calls[0].started_at).total_seconds()
    for call in calls[:-8]:
        dense = (now - call.started_at).days <= dense_days
        if rng.random() > (0.2 if dense else 0.75):
            continue
        day = _next_weekday(call.started_at)
        when = day.replace(hour=10, minute=0) + timedelta(minutes=rng.randrange(0, 330))
        quality = 0.55 + 0.3 * (call.started_at - first).total_seconds() / span
        coach = rng.choice(coaches)
        timeline.at(
            when,
            partial(evaluate, organisation, call.call_id, coach, quality, f"{call.call_id}:e"),
        )
        if call.employee.user_id and rng.random() < 0.85:
            timeline.at(
                when + timedelta(days=1, minutes=-40),
                partial(acknowledge, organisation, call.call_id, call.employee.user.username),
            )
    draft = [call for call in calls if call.started_at < now - timedelta(hours=2)][-3]
    timeline.at(
        now - timedelta(hours=1),
        partial(evaluate, organisation, draft.call_id, coaches[0], 0.7, "draft", False),
    )


def _calibration(organisation, back: int, close: bool) -> None:
    """A calibration session on a consented call of the demo employee; closed (with its
    agreement figure) or still open with one sheet in."""
    from coaching.calibration import (
        calibration_close,
        calibration_open,
        calibration_score,
    )
    from coaching.consent import consent_answer, consent_ask
    from coaching.constants import ConsentUse
    from coaching.evaluations import evaluation_release, evaluation_save_draft

    lead = member(organisation, "rvo-coach")
    recording = _older_than(organisation, back, employee__user__username="rvo-employee")
    if recording is None:
        return
    consent = consent_ask(
        membership=lead,
        recording=recording,
        use=ConsentUse.CALIBRATION,
        note="Voor de kalibratiesessie van het coachteam.",
    )
    consent_answer(
        membership=member(organisation, "rvo-employee"), consent_id=consent.pk, grant=True
    )
    others = [member(organisation, name) for name in ("demo-multi", "rvo-coach2")]
    session = calibration_open(
        membership=lead,
        recording=recording,
        version=_version(organisation),
        purpose_code="coach-training-calibration",
        participant_ids=[m.user_id for m in others],
        expert_id=lead.user_id,
        closes_by=timezone.localdate() + timedelta(days=7),
    )
    scorers = [lead, *others] if close else others[:1]
    # The coaches mostly agree: one judgement of the call, each differing on a few criteria.
    shared = _answers(session.form_version, random.Random(f"{SEED}:calibration:{close}"), 0.75)
    for n, scorer in enumerate(scorers):
        listen(organisation, scorer.user.username, recording, "coach-training-calibration")
        sheet = calibration_score(membership=scorer, session_id=session.pk)
        rng = random.Random(f"{SEED}:calibration:{close}:{n}")
        own = _answers(session.form_version, rng, 0.6)
        answers = {pk: own[pk] if rng.random() < 0.12 else answer for pk, answer in shared.items()}
        evaluation_save_draft(membership=scorer, evaluation_id=sheet.pk, answers=answers)
        evaluation_release(membership=scorer, evaluation_id=sheet.pk)
    if close:
        calibration_close(membership=lead, session_id=session.pk)


def _pending_consent(organisation) -> None:
    from coaching.consent import consent_ask
    from coaching.constants import ConsentUse

    recording = _older_than(organisation, 0.1, employee__user__username="rvo-employee")
    if recording is not None:
        consent_ask(
            membership=member(organisation, "rvo-coach2"),
            recording=recording,
            use=ConsentUse.CALIBRATION,
            note="Mogen wij dit gesprek gebruiken in de volgende kalibratiesessie?",
        )


def _ask(organisation, username: str, code: str, motivation: str, recording, case=None):
    """A playback request; where its rule keeps requests in a case, a new case with it."""
    from access.constants import ReceivedVia
    from access.four_eyes import request_create
    from access.models import PurposeRule
    from access.request_parties import CaseDraft

    rule = PurposeRule.objects.select_related("purpose").get(
        organisation=organisation, purpose__code=code
    )
    draft = None
    if rule.case_kind and case is None:
        draft = CaseDraft(
            received_via=ReceivedVia.PHONE if organisation.slug == TBI else ReceivedVia.INTERNAL,
            received_on=timezone.localdate(),
            description=case_text(code),
        )
    return request_create(
        membership=member(organisation, username),
        purpose=rule.purpose,
        motivation=motivation,
        recordings=[recording],
        case=case,
        new_case=draft,
    )


def case_text(code: str) -> str:
    return {
        "reactive-request": "Klant belt terug: de monteur kwam niet op de afgesproken dag.",
        "complaint-investigation": "Schriftelijke klacht over de bejegening aan de telefoon.",
        "customer-transcript": "Klant vraagt een uitgetypte versie van het gesprek.",
        "misconduct-verification": "Melding van een collega over ongepaste opmerkingen.",
        "threat-investigation": "Beller dreigde langs te komen bij het kantoor.",
    }.get(code, "Demozaak.")


def _decide(organisation, request, username: str, outcome: str, comment: str = "") -> None:
    from access.four_eyes import request_decide

    request_decide(
        membership=member(organisation, username),
        request_id=request.pk,
        outcome=outcome,
        comment=comment,
    )


def request_story(
    organisation,
    *,
    asker: str,
    code: str,
    motivation: str,
    call_age_days: float,
    decider: str = "",
    outcome: str = "approve",
    comment: str = "",
    then=None,
):
    """Ask for a call, have another person decide, then go on (`then`: revoke later, …)."""
    recording = _older_than(organisation, call_age_days)
    if recording is None:
        return None
    request = _ask(organisation, asker, code, motivation, recording)
    if decider:
        _decide(organisation, request, decider, outcome, comment)
        if outcome == "approve":
            listen(organisation, asker, recording, code)
    if then is not None:
        then(request, recording)
    return request


def _revoke(organisation, username: str, comment: str, request_id) -> None:
    from access.four_eyes import grant_revoke

    grant_revoke(membership=member(organisation, username), request_id=request_id, comment=comment)


def _hold(organisation, placer: str, approver: str, recording, case=None, review_days=120):
    from retention.holds import hold_decide, hold_request

    hold = hold_request(
        membership=member(organisation, placer),
        recordings=[recording],
        motivation=(
            "Aangifte bij de politie is gedaan; het gesprek is bewijs en mag niet worden "
            "gewist zolang het onderzoek loopt."
        ),
        review_on=timezone.localdate() + timedelta(days=review_days),
        case=case,
    )
    if approver:
        hold_decide(membership=member(organisation, approver), hold_id=hold.pk, approve=True)
    return hold
