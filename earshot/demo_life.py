"""Six months of the demo organisations' daily work, played through the real services.

The clock is moved back about six months and runs forward through a timeline: calls are
ingested as they end, coaches evaluate, the hourly purge erases what is due, the quarter's
sample is drawn, requests are asked and decided. So every recording, tombstone, purge report
and audit event is what the product itself would have made, each at its own moment. A fixed
seed makes the demo the same every time; the moments are relative to now.

The moved clock needs time-machine (installed with `.[test]`, as `make run` does).
"""

from __future__ import annotations

import functools
import heapq
import io
import itertools
import logging
import math
import random
import struct
import tempfile
import wave
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone

from organisations.models import Employee, Membership, Organisation

SEED = 17
# Six whole months before the current one, whatever day of the month the demo is loaded.
HISTORY_DAYS = 190
# Per organisation: how many recent days have a full day of calls, and how many a weekday.
# Before that, a call on Tuesdays and Thursdays: enough to evaluate, little to purge.
DENSE = {"rvo-klantcontact": (31, 4), "tbi-direct": (66, 2)}


class Clock:
    """The moved clock: starts at `start` and runs on from every moment it is moved to."""

    def __init__(self, start: datetime):
        import time_machine

        self._travel = time_machine.travel(start, tick=True)
        self._coordinates = self._travel.start()

    def move_to(self, moment: datetime) -> None:
        if moment > timezone.now():
            self._coordinates.move_to(moment)

    def stop(self) -> None:
        self._travel.stop()


@dataclass(order=True)
class _Event:
    moment: datetime
    number: int
    action: Callable[[], object] = field(compare=False)


class Timeline:
    """What happens when, in order; an action may schedule later ones."""

    def __init__(self, until: datetime):
        self.until = until
        self._events: list[_Event] = []
        self._numbers = itertools.count()

    def at(self, moment: datetime, action: Callable[[], object]) -> None:
        if moment < self.until:
            heapq.heappush(self._events, _Event(moment, next(self._numbers), action))

    def run(self, clock: Clock, say: Callable[[str], None]) -> None:
        month = None
        while self._events:
            event = heapq.heappop(self._events)
            clock.move_to(event.moment)
            if (event.moment.year, event.moment.month) != month:
                month = (event.moment.year, event.moment.month)
                say(f"  {event.moment:%B %Y}")
            event.action()


def member(organisation: Organisation, username: str) -> Membership:
    return Membership.objects.select_related("user", "organisation").get(
        organisation=organisation, user__username=username
    )


# Short audio: a few tones and pauses, like two people taking turns; made once and reused,
# each call made unique (the ingest refuses a second copy of the same audio) by its last
# samples.
_RATE = 8000


def _tone(frequency: int, seconds: float, volume: int = 6000) -> bytes:
    count = int(seconds * _RATE)
    fade = min(400, count // 4)
    samples = []
    for i in range(count):
        envelope = min(1.0, i / fade, (count - i) / fade)
        samples.append(int(volume * envelope * math.sin(2 * math.pi * frequency * i / _RATE)))
    return struct.pack(f"<{count}h", *samples)


_PARTS: dict[tuple[int, float], bytes] = {}


def _part(frequency: int, seconds: float) -> bytes:
    key = (frequency, seconds)
    if key not in _PARTS:
        _PARTS[key] = _tone(frequency, seconds) if frequency else bytes(int(seconds * _RATE) * 2)
    return _PARTS[key]


def call_audio(rng: random.Random, number: int) -> bytes:
    """Three to seven seconds of turns between an agent (lower) and a customer (higher)."""
    frames = []
    for turn in range(rng.randint(3, 6)):
        frequency = rng.choice((220, 262, 294)) if turn % 2 else rng.choice((330, 392, 440))
        frames.append(_part(frequency, rng.choice((0.5, 0.75, 1.0))))
        frames.append(_part(0, 0.25))
    frames.append(struct.pack("<2i", number, SEED))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(_RATE)
        out.writeframes(b"".join(frames))
    return buffer.getvalue()


@dataclass(frozen=True)
class PlannedCall:
    call_id: str
    started_at: datetime
    employee: Employee
    audio: bytes
    direction: str
    queue: str
    phone: str


def plan_calls(organisation: Organisation, now: datetime) -> list[PlannedCall]:
    """The organisation's calls over the history, the same every time for the same now."""
    rng = random.Random(f"{SEED}:{organisation.slug}:calls")
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    employees = list(Employee.objects.filter(organisation=organisation).order_by("pbx_agent_id"))
    dense_days, per_day = DENSE[organisation.slug]
    today = now.astimezone(zone).date()
    calls = []
    for back in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        count = per_day if back <= dense_days else (1 if day.weekday() in (1, 3) else 0)
        for n in range(count):
            minute = rng.randrange(8 * 60 + 30, 17 * 60)
            started = datetime.combine(day, time(minute // 60, minute % 60), zone)
            audio = call_audio(rng, len(calls))
            employee = rng.choice(employees)
            direction = "inbound" if rng.random() < 0.8 else "outbound"
            queue = rng.choice(("algemeen", "algemeen", "storingen", "klachten"))
            phone = f"06{rng.randrange(10_000_000, 59_999_999)}"
            if started + timedelta(minutes=10) >= now:
                continue
            calls.append(
                PlannedCall(
                    call_id=f"demo-{organisation.slug}-{day:%Y%m%d}-{n + 1}",
                    started_at=started,
                    employee=employee,
                    audio=audio,
                    direction=direction,
                    queue=queue,
                    phone=phone,
                )
            )
    return calls


def ingest(organisation: Organisation, call: PlannedCall, folder: Path):
    from recordings.constants import IngestChannel
    from recordings.services import recording_ingest

    path = folder / f"{call.call_id}.wav"
    path.write_bytes(call.audio)
    recording = recording_ingest(
        organisation=organisation,
        source=path,
        channel=IngestChannel.UPLOAD,
        metadata={
            "call_id": call.call_id,
            "started_at": call.started_at.isoformat(),
            "direction": call.direction,
            "queue": call.queue,
            "agent_id": call.employee.pbx_agent_id,
            "customer_phone": call.phone,
            "announcement": "welkomstboodschap-v2",
        },
    )
    path.unlink()
    return recording


def hourly_purges(
    timeline: Timeline, organisation: Organisation, start: date, end: date, now: datetime
) -> Callable[[datetime], None]:
    """The purge as beat runs it, at the hours of its schedule (hourly). Not every hour of
    six months is played (fewer runs to load): for each call the run that erases it as beat
    would, the first whose horizon reaches its deadline (call `plan` with the deadline once
    it is stamped); a daily look at 02:00 for anything else that became due (a released
    hold); and every run of the last day, so the runs show the hourly rhythm."""
    from retention.purge import due_recordings, purge_organisation
    from retention.schedule import next_run_after, purge_horizon

    zone = zoneinfo.ZoneInfo(organisation.timezone)
    planned: set[datetime] = set()
    # The runs after a moment and their horizons, remembered: every call's plan steps through
    # the same hourly runs, and working one out replays a day of beat's schedule (without
    # this, a tenth of the demo's loading time).
    following = functools.cache(next_run_after)
    horizon = functools.cache(purge_horizon)

    def run(always: bool) -> None:
        if always or due_recordings(organisation, purge_horizon(timezone.now())).exists():
            purge_organisation(organisation)

    def at(moment: datetime, always: bool) -> None:
        if moment not in planned:
            planned.add(moment)
            timeline.at(moment, lambda: run(always))

    def plan(deadline: datetime) -> None:
        # Start well before (a schedule may run only daily) and step to the first run whose
        # horizon reaches the deadline.
        moment = following(deadline - timedelta(hours=26))
        while moment is not None and horizon(moment) < deadline:
            moment = following(moment)
        if moment is not None:
            at(moment, always=False)

    day = start
    while day <= end:
        timeline.at(datetime.combine(day, time(2, 0), zone), lambda: run(False))
        day += timedelta(days=1)
    moment = next_run_after(now - timedelta(days=1))
    while moment is not None and moment < now:
        at(moment, always=True)
        moment = next_run_after(moment)
    return plan


def draw_quarter(organisation: Organisation) -> None:
    """The quarter's sample, drawn as beat draws it when the quarter has ended (coaching/
    sampling.py), each slot with a seed of the demo's own, so the same calls are drawn every
    time the demo loads (beat draws with a fresh random seed)."""
    import hashlib

    from coaching.constants import SampleMode
    from coaching.models import SamplingPolicy
    from coaching.sampling import draw_slot, quarter_bounds, slot_windows

    policy = SamplingPolicy.objects.filter(organisation=organisation).first()
    if policy is None or not policy.per_quarter:
        return
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    ended = timezone.now().astimezone(zone).date() - timedelta(days=1)
    quarter, start, end = quarter_bounds(ended, zone)
    if policy.mode == SampleMode.AT_ONCE:
        windows = [(start, end)] * policy.per_quarter
    else:
        windows = slot_windows(start, end, policy.per_quarter)
    for slot, window in enumerate(windows, 1):
        seed = hashlib.sha256(f"{SEED}:{organisation.slug}:{quarter}:{slot}".encode()).hexdigest()
        draw_slot(organisation=organisation, quarter=quarter, slot=slot, window=window, seed=seed)


def quarter_draws(timeline: Timeline, organisation: Organisation, start: date, end: date):
    """The sample draw on the first night of every quarter in the history."""
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    day = start
    while day <= end:
        if day.day == 1 and day.month in (1, 4, 7, 10):
            moment = datetime.combine(day, time(0, 30), zone)
            timeline.at(moment, lambda: draw_quarter(organisation))
        day += timedelta(days=1)


def calls_and_purges(
    timeline: Timeline, organisation: Organisation, now: datetime, folder: Path
) -> list[PlannedCall]:
    calls = plan_calls(organisation, now)
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=HISTORY_DAYS)
    plan_purge = hourly_purges(timeline, organisation, first, today, now)

    def ingest_and_plan(call: PlannedCall) -> None:
        recording = ingest(organisation, call, folder)
        plan_purge(recording.purge_deadline)

    for call in calls:
        timeline.at(call.started_at + timedelta(minutes=6), lambda c=call: ingest_and_plan(c))
    quarter_draws(timeline, organisation, first, today)
    return calls


def demo_calls_now(organisation: Organisation) -> int:
    """Without the moved clock: a dozen calls of the last days, ingested now, one per
    employee in turn."""
    from recordings.models import Recording

    rng = random.Random(f"{SEED}:{organisation.slug}:now")
    employees = list(Employee.objects.filter(organisation=organisation).order_by("pbx_agent_id"))
    now = timezone.now()
    created = 0
    with tempfile.TemporaryDirectory() as folder:
        for n in range(12):
            call = PlannedCall(
                call_id=f"demo-{organisation.slug}-{n + 1}",
                started_at=now - timedelta(days=n % 9, hours=n),
                employee=employees[n % len(employees)],
                audio=call_audio(rng, n),
                direction="inbound" if n % 3 else "outbound",
                queue="algemeen" if n % 2 else "klachten",
                phone=f"06{12345600 + n}",
            )
            if not Recording.objects.filter(
                organisation=organisation, call_id=call.call_id
            ).exists():
                ingest(organisation, call, Path(folder))
                created += 1
    return created


def demo_life_needed(organisations: dict[str, Organisation]) -> bool:
    """The life is played once: evaluations outlive everything else it makes."""
    from coaching.models import Evaluation

    return not Evaluation.objects.filter(organisation__in=organisations.values()).exists()


def demo_life(
    organisations: dict[str, Organisation], clock: Clock, now: datetime, say: Callable[[str], None]
) -> None:
    from earshot.demo_schedule import schedule_work

    timeline = Timeline(until=now)
    with tempfile.TemporaryDirectory() as folder:
        for organisation in organisations.values():
            calls = calls_and_purges(timeline, organisation, now, Path(folder))
            schedule_work(timeline, organisation, calls, now)
        say("Six months of calls, evaluations, requests, holds and hourly purges:")
        # The purge logs a line per run; here the months are the progress.
        purge_log = logging.getLogger("retention.purge")
        level = purge_log.level
        purge_log.setLevel(logging.WARNING)
        try:
            timeline.run(clock, say)
        finally:
            purge_log.setLevel(level)
