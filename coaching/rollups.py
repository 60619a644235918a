"""Monthly sums of counted evaluations per employee and coach, so that the reports read a few
thousand rows instead of every evaluation and answer (100,000 evaluations, 500,000 answers).

A cell (organisation, month, employee, coach) is recomputed from the evaluations themselves
whenever one of them changes in a way a report sees: released, re-scored, retracted. The
recomputation runs in the same transaction as the change, so the sums never drift; and
`rollups_rebuild` recomputes an organisation from scratch (after an import, or to check).
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from coaching.models import Answer, CriterionMonth, Evaluation, EvaluationMonth
from coaching.reports import NORMALISED, Scope, counted_evaluations


def _month_of(evaluation: Evaluation) -> date:
    zone = zoneinfo.ZoneInfo(evaluation.organisation.timezone)
    return evaluation.released_at.astimezone(zone).date().replace(day=1)


def _counted(organisation):
    return counted_evaluations(organisation, Scope()).filter(released_at__isnull=False)


def _write(organisation, evaluations, cell_filter: dict) -> None:
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    EvaluationMonth.objects.filter(organisation=organisation, **cell_filter).delete()
    CriterionMonth.objects.filter(organisation=organisation, **cell_filter).delete()
    monthly = (
        evaluations.annotate(month=TruncMonth("released_at", tzinfo=zone))
        .values("month", "employee_id", "coach_id")
        .annotate(
            evaluations=Count("pk"),
            scored=Count("score"),
            score_sum=Sum("score"),
            failed=Count("pk", filter=Q(fatal_failed=True)),
        )
        .order_by()
    )
    EvaluationMonth.objects.bulk_create(
        [
            EvaluationMonth(
                organisation=organisation,
                month=_as_date(row["month"]),
                employee_id=row["employee_id"],
                coach_id=row["coach_id"],
                evaluations=row["evaluations"],
                scored=row["scored"],
                score_sum=row["score_sum"] or 0,
                failed=row["failed"],
            )
            for row in monthly
        ],
        batch_size=2000,
    )
    answers = (
        Answer.objects.filter(evaluation__in=evaluations, not_applicable=False, value__isnull=False)
        .annotate(month=TruncMonth("evaluation__released_at", tzinfo=zone))
        .values("month", "evaluation__employee_id", "evaluation__coach_id", "criterion__text")
        .annotate(answers=Count("pk"), normalised_sum=Sum(NORMALISED))
        .order_by()
    )
    CriterionMonth.objects.bulk_create(
        [
            CriterionMonth(
                organisation=organisation,
                month=_as_date(row["month"]),
                employee_id=row["evaluation__employee_id"],
                coach_id=row["evaluation__coach_id"],
                criterion_text=row["criterion__text"],
                answers=row["answers"],
                normalised_sum=row["normalised_sum"] or 0.0,
            )
            for row in answers
        ],
        batch_size=2000,
    )


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def rollup_refresh(evaluation: Evaluation) -> None:
    """Recompute the cell this evaluation belongs to (call inside the changing transaction)."""
    if evaluation.calibration_id or evaluation.released_at is None:
        return
    organisation = evaluation.organisation
    month = _month_of(evaluation)
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    cell = _counted(organisation).filter(
        employee_id=evaluation.employee_id, coach_id=evaluation.coach_id
    )
    start = _start(month, zone)
    end = _start(date(month.year + month.month // 12, month.month % 12 + 1, 1), zone)
    cell = cell.filter(released_at__gte=start, released_at__lt=end)
    _write(
        organisation,
        cell,
        {"month": month, "employee_id": evaluation.employee_id, "coach_id": evaluation.coach_id},
    )


def _start(month: date, zone):
    return datetime.combine(month, time.min, tzinfo=zone)


@transaction.atomic
def rollups_rebuild(organisation) -> int:
    """Recompute every cell of an organisation. Returns the number of evaluation cells."""
    _write(organisation, _counted(organisation), {})
    return EvaluationMonth.objects.filter(organisation=organisation).count()
