"""The random sample: N calls per employee per quarter, spread over the quarter or at once.

Audio lives 28 or 62 days, so one draw at the start of a quarter cannot reach its calls. Spread
(the default): the quarter is cut into N equal slots; when a slot has ended, one call per
employee is drawn from that employee's calls of the slot that are still within retention. At
once: when the quarter has ended, its N slots are drawn together from the quarter's calls still
within retention, each slot without the calls an earlier slot of the quarter chose. The policy
(coaching settings page) is read at each draw: a change applies from the next draw, and slots
drawn already are never drawn again. Each draw keeps its seed and
its population (the sorted call ids per employee), so anyone can redo it (`draw_replay`) and see
that the choice follows from the seed alone. Employees without a call in the slot are listed.
"""

from __future__ import annotations

import random
import secrets
import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from coaching.constants import SampleMode
from coaching.evaluations import EvaluationError
from coaching.models import Evaluation, SampleDraw, SampleItem, SamplingPolicy
from organisations.models import Employee, Organisation
from recordings.constants import RecordingStatus
from recordings.models import Recording


def quarter_bounds(day: date, zone: zoneinfo.ZoneInfo) -> tuple[str, datetime, datetime]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.combine(date(day.year, first_month, 1), time.min, tzinfo=zone)
    next_year, next_month = divmod(first_month + 2, 12)  # month after the quarter, 0-based
    end_day = date(day.year + next_year, next_month + 1, 1)
    end = datetime.combine(end_day, time.min, tzinfo=zone)
    return f"{day.year}Q{(first_month - 1) // 3 + 1}", start, end


def slot_windows(start: datetime, end: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """The quarter cut into `count` equal windows, end of one = start of the next."""
    length = (end - start) / count
    return [(start + length * n, start + length * (n + 1)) for n in range(count)]


def _pick(seed: str, employee_id: int, population: list[str]) -> str:
    # One generator per employee from the seed: adding or removing an employee does not change
    # anyone else's pick, and the pick needs nothing but the seed and the population.
    return random.Random(f"{seed}:{employee_id}").choice(population)


def draw_slot(
    *,
    organisation: Organisation,
    quarter: str,
    slot: int,
    window: tuple[datetime, datetime],
    seed: str | None = None,
) -> SampleDraw | None:
    """Draw one call per active employee from their calls in the window that are still within
    retention. None when this slot was drawn already (a second run changes nothing)."""
    seed = seed or secrets.token_hex(32)
    start, end = window
    # A call drawn in an earlier slot of this quarter is not drawn again (at once, the slots
    # share one window).
    drawn = set(
        SampleItem.objects.filter(
            draw__organisation=organisation, draw__quarter=quarter
        ).values_list("recording_id", flat=True)
    )
    calls = (
        Recording.objects.filter(
            organisation=organisation,
            status=RecordingStatus.ACTIVE,
            started_at__gte=start,
            started_at__lt=end,
            employee__isnull=False,
        )
        .values_list("employee_id", "id")
        .order_by()
    )
    population: dict[str, list[str]] = {
        str(e): []
        for e in Employee.objects.filter(organisation=organisation, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    }
    for employee_id, recording_id in calls:
        if str(employee_id) in population and recording_id not in drawn:
            population[str(employee_id)].append(str(recording_id))
    for ids in population.values():
        ids.sort()
    try:
        with transaction.atomic():
            draw = SampleDraw.objects.create(
                organisation=organisation,
                quarter=quarter,
                slot=slot,
                window_start=start,
                window_end=end,
                seed=seed,
                population=population,
            )
            SampleItem.objects.bulk_create(
                SampleItem(draw=draw, employee_id=int(e), recording_id=_pick(seed, int(e), ids))
                for e, ids in population.items()
                if ids
            )
            too_few = sum(1 for ids in population.values() if not ids)
            audit.record(
                actor=None,
                action="coaching.sample.drawn",
                organisation=organisation,
                target=draw,
                detail={
                    "quarter": quarter,
                    "slot": slot,
                    "seed": seed,
                    "employees": len(population),
                    "without_calls": too_few,
                },
            )
    except IntegrityError:
        return None
    return draw


def draw_replay(draw: SampleDraw) -> dict[int, str]:
    """Redo the draw from its seed and population: {employee id: recording id}."""
    return {
        int(employee): _pick(draw.seed, int(employee), ids)
        for employee, ids in draw.population.items()
        if ids
    }


def draw_verified(draw: SampleDraw) -> bool:
    recorded = {item.employee_id: str(item.recording_id) for item in draw.items.all()}
    return recorded == draw_replay(draw)


def without_calls(draw: SampleDraw) -> list[Employee]:
    ids = [int(e) for e, calls in draw.population.items() if not calls]
    return list(Employee.objects.filter(pk__in=ids).order_by("name"))


def draws_due(organisation: Organisation, *, now: datetime | None = None) -> int:
    """Draw every slot of the current quarter that has ended and is not drawn yet (and the
    last slot of the quarter before, which ends as this one starts). At once, every slot of a
    quarter ends with the quarter. Returns draws made."""
    policy = SamplingPolicy.objects.filter(organisation=organisation).first()
    if policy is None or not policy.per_quarter:
        return 0
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    made = 0
    today = now.astimezone(zone).date()
    for day in (today - timedelta(days=1), today):
        quarter, start, end = quarter_bounds(day, zone)
        if policy.mode == SampleMode.AT_ONCE:
            windows = [(start, end)] * policy.per_quarter
        else:
            windows = slot_windows(start, end, policy.per_quarter)
        for number, window in enumerate(windows, 1):
            if window[1] > now:
                continue
            if SampleDraw.objects.filter(
                organisation=organisation, quarter=quarter, slot=number
            ).exists():
                continue
            if draw_slot(organisation=organisation, quarter=quarter, slot=number, window=window):
                made += 1
    return made


def queue_for(membership) -> Any:
    """Open sample items of the employees of the teams this coach coaches."""
    teams = list(membership.teams.values_list("pk", flat=True))
    return (
        SampleItem.objects.filter(
            draw__organisation=membership.organisation_id,
            employee__team__in=teams,
            done_at__isnull=True,
        )
        .select_related("employee", "recording", "draw")
        .order_by("draw__window_end", "employee__name")
    )


@transaction.atomic
def sample_done(*, membership, item_id: Any, employee_present: bool) -> SampleItem:
    item = queue_for(membership).select_for_update(of=("self",)).filter(pk=item_id).first()
    if item is None:
        raise EvaluationError(_("This sample is not in your queue."))
    item.evaluation = (
        Evaluation.objects.filter(
            recording=item.recording, coach=membership.user_id, calibration__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    item.employee_present = employee_present
    item.done_at = timezone.now()
    item.save(update_fields=["evaluation", "employee_present", "done_at"])
    audit.record(
        actor=membership.user,
        action="coaching.sample.done",
        organisation=membership.organisation,
        target=item.draw,
        detail={"employee_present": employee_present, "evaluated": item.evaluation is not None},
    )
    return item
