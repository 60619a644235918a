"""When the demo's people do what (earshot/demo_work.py says how): every moment counts back
from now, so the demo shows the same recent weeks whenever it is loaded."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.utils import timezone

from earshot import demo_work as work
from earshot.demo import PEOPLE, demo_username
from earshot.demo_life import HISTORY_DAYS, PlannedCall, Timeline, member
from earshot.demo_listen import listen
from organisations.constants import Role
from organisations.models import Membership, Organisation


def acknowledgements(timeline: Timeline, organisation: Organisation, now: datetime) -> None:
    """Every member read and accepted the recording policy in the first days."""
    from register.acknowledgement import current_policy, policy_acknowledge

    def run() -> None:
        policy = current_policy(organisation)
        for membership in Membership.objects.filter(organisation=organisation, active=True):
            policy_acknowledge(policy=policy, user=membership.user, language="nl")

    timeline.at(work._day(organisation, now, HISTORY_DAYS - 1, 9, 30), run)


def rvo(timeline: Timeline, organisation: Organisation, calls: list[PlannedCall], now):
    at = partial(work._day, organisation, now)
    work.evaluations(timeline, organisation, calls, now)
    timeline.at(at(12, 9, 10), partial(work._calibration, organisation, 1, True))
    timeline.at(at(2, 13, 0), partial(work._calibration, organisation, 1, False))
    timeline.at(now - timedelta(hours=3), partial(work._pending_consent, organisation))

    # A threat: the police were told, the call is kept under an approved legal hold past its
    # 28 days (the purge reports it held).
    def threat() -> None:
        request = story(
            code="threat-investigation",
            motivation=(
                "De beller dreigde in dit gesprek naar het kantoor te komen; wij moeten horen "
                "wat precies is gezegd voordat wij aangifte doen."
            ),
            call_age_days=3,
            decider="rvo-privacyofficer",
        )
        if request is not None:
            work._hold(
                organisation,
                "rvo-manager",
                "rvo-privacyofficer",
                request.recordings.get(),
                case=request.case,
            )

    timeline.at(at(27, 10, 0), threat)
    story = partial(work.request_story, organisation, asker="rvo-manager")
    misconduct = partial(story, code="misconduct-verification", call_age_days=1)
    # Suspected misconduct, heard within its 48 hours: the grant has ended since.
    reason = (
        "Een collega meldt ongepaste opmerkingen tegen een klant in dit gesprek; ik moet dat "
        "horen voordat ik met de medewerker spreek."
    )
    timeline.at(at(16, 10), partial(misconduct, motivation=reason, decider="rvo-privacyofficer"))
    # Waiting for the privacy officer (or another manager) now.
    reason = (
        "Een klant meldt dat de medewerker hem uitschold; ik wil het gesprek horen om de "
        "melding te kunnen beoordelen."
    )
    timeline.at(now - timedelta(hours=2), partial(misconduct, motivation=reason))
    phone = calls[-20].phone if len(calls) > 20 else ""
    timeline.at(
        at(6, 10, 30),
        partial(
            _subject_request,
            organisation,
            "access",
            "M. de Wit",
            phone,
            "Wil weten welke gesprekken van hem zijn opgenomen en wie ze heeft beluisterd.",
        ),
    )


def _subject_request(organisation, right: str, name: str, phone: str, description: str) -> None:
    from subjects.constants import IdentifierKind, SubjectReceivedVia
    from subjects.identifiers import identifier_given
    from subjects.services import subject_request_register

    identifiers = [
        identifier_given(IdentifierKind.NAME, name),
        identifier_given(IdentifierKind.PHONE, phone) if phone else None,
    ]
    subject_request_register(
        membership=member(
            organisation, demo_username(PEOPLE[organisation.slug]["prefix"], Role.PRIVACY_OFFICER)
        ),
        right=right,
        received_on=timezone.localdate(),
        received_via=SubjectReceivedVia.EMAIL,
        requester_name=name,
        requester_email="demo-betrokkene@example.org",
        description=description,
        identifiers=[i for i in identifiers if i is not None],
    )


def _work_samples(organisation: Organisation) -> None:
    """The team leader works the drawn sample: asks for each sampled call, a manager approves,
    it is heard with the employee present and marked done."""
    from coaching.sampling import queue_for, sample_done
    from recordings.constants import RecordingStatus

    leader = member(organisation, "tbi-teamleader")
    for item in list(queue_for(leader)[:4]):
        if item.recording.status != RecordingStatus.ACTIVE:
            continue
        request = work._ask(
            organisation,
            "tbi-teamleader",
            "training-sample",
            "Kwartaalsteekproef: dit gesprek beluisteren wij samen met de medewerker.",
            item.recording,
        )
        work._decide(organisation, request, "tbi-manager", "approve")
        listen(organisation, "tbi-teamleader", item.recording, "training-sample", True)
        sample_done(membership=leader, item_id=item.pk, employee_present=True)


def _transcript(organisation: Organisation, request, recording) -> None:
    from transcripts.services import transcript_start, utterance_add

    leader = member(organisation, "tbi-teamleader")
    transcript, _created = transcript_start(membership=leader, recording=recording)
    lines = [
        ("employee", "Goedemiddag, TBI Direct, u spreekt met Hanna."),
        ("customer", "Ja, hallo, mijn verwarming doet het al twee dagen niet."),
        ("employee", "Vervelend. Mag ik uw postcode en huisnummer?"),
        ("customer", "Dat is 3511 AB, nummer 12."),
        ("employee", "Dank u. Er komt morgen tussen acht en twaalf een monteur."),
    ]
    # The demo's audio is a few seconds of tones: the lines share them out.
    length = (recording.audio_duration_seconds or recording.duration_seconds or 3) / len(lines)
    for n, (speaker, text) in enumerate(lines):
        utterance_add(
            membership=leader,
            transcript_id=transcript.pk,
            start_seconds=round(n * length, 1),
            end_seconds=round((n + 0.9) * length, 1),
            speaker=speaker,
            text=text,
        )


def tbi(timeline: Timeline, organisation: Organisation, calls: list[PlannedCall], now):
    from access.four_eyes import requests_expire

    at = partial(work._day, organisation, now)
    for back in range(HISTORY_DAYS):
        day = at(back, 0).date()  # the day in the organisation's own zone
        if day.month in (1, 4, 7, 10) and 2 <= day.day <= 12 and day.weekday() < 5:
            timeline.at(at(back, 10, 0), partial(_work_samples, organisation))

    def ask(moment, code: str, motivation: str, age: float, **more) -> None:
        story = partial(work.request_story, organisation, asker="tbi-teamleader", code=code)
        timeline.at(moment, partial(story, motivation=motivation, call_age_days=age, **more))

    def revoke_later(request, recording) -> None:
        comment = "De klant heeft de klacht ingetrokken; terugluisteren is niet meer nodig."
        revoke = partial(work._revoke, organisation, "tbi-manager", comment, request.pk)
        timeline.at(timezone.now() + timedelta(hours=4), revoke)

    manager = {"decider": "tbi-manager"}
    # Never decided: expires after its 7 days.
    ask(at(20, 11), "reactive-request", "De klant zegt dat hem een monteur is beloofd.", 1)
    timeline.at(at(12, 12), requests_expire)
    denial = "Vraag eerst de medewerker om een toelichting; dan beslissen wij opnieuw."
    reason = "Klacht over de toon van de medewerker; ik wil het gesprek zelf horen."
    ask(
        at(9, 10, 30),
        "complaint-investigation",
        reason,
        2,
        outcome="deny",
        comment=denial,
        **manager,
    )
    reason = "De klant betwist de afspraak die in dit gesprek is gemaakt."
    ask(at(6, 9, 30), "reactive-request", reason, 1, then=revoke_later, **manager)
    reason = "De klant vraagt een geanonimiseerde uitgetypte versie van dit gesprek."
    transcript = partial(_transcript, organisation)
    ask(at(2, 10), "customer-transcript", reason, 1, then=transcript, **manager)
    reason = "Schriftelijke klacht over dit gesprek; ik onderzoek wat er is gezegd."
    ask(now - timedelta(hours=5), "complaint-investigation", reason, 3, **manager)
    reason = "De klant belde boos terug over de hersteltijd die hier is genoemd."
    ask(now - timedelta(minutes=90), "reactive-request", reason, 0.5)

    def pending_hold() -> None:
        recording = work._older_than(organisation, 5)
        if recording is not None:
            work._hold(organisation, "tbi-manager", "", recording)

    timeline.at(now - timedelta(hours=20), pending_hold)
    timeline.at(
        at(2, 9, 0),
        partial(
            _subject_request,
            organisation,
            "erasure",
            "J. Pietersen",
            calls[-15].phone if len(calls) > 15 else "",
            "Verzoekt om verwijdering van alle opnames van zijn gesprekken.",
        ),
    )


def schedule_work(timeline: Timeline, organisation: Organisation, calls, now) -> None:
    acknowledgements(timeline, organisation, now)
    {"rvo-klantcontact": rvo, "tbi-direct": tbi}[organisation.slug](
        timeline, organisation, calls, now
    )
