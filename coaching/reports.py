"""Management information on coaching, per organisation, team, employee or coach.

Counts only evaluations released to the employee (or acknowledged, disputed); never drafts,
retracted evaluations or calibration scores. Every figure is one aggregate query.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from coaching.constants import AnswerType, EvaluationStatus, SessionStatus
from coaching.models import (
    CalibrationSession,
    CriterionMonth,
    Evaluation,
    EvaluationMonth,
    SampleItem,
)

COUNTED = (EvaluationStatus.RELEASED, EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.DISPUTED)
MONTHS = 12
WEAKEST_MONTHS = 3


@dataclass(frozen=True)
class Scope:
    """Whose evaluations: the whole organisation, or one team, employee or coach."""

    team_id: int | None = None
    employee_id: int | None = None
    coach_id: int | None = None


@dataclass
class Report:
    months: list[dict] = field(default_factory=list)  # month, evaluations, average, failed
    weakest: list[dict] = field(default_factory=list)  # criterion, average (0-100), answers
    agreement: list[dict] = field(default_factory=list)  # month, sessions, average alpha
    samples: list[dict] = field(default_factory=list)  # quarter, drawn, done, with employee
    people: list[dict] = field(default_factory=list)  # employee, evaluations, average
    coaches: list[dict] = field(default_factory=list)  # coach, evaluations, average


def counted_evaluations(organisation, scope: Scope) -> QuerySet[Evaluation]:
    evaluations = Evaluation.objects.filter(
        organisation=organisation, status__in=COUNTED, calibration__isnull=True
    )
    if scope.team_id:
        evaluations = evaluations.filter(employee__team_id=scope.team_id)
    if scope.employee_id:
        evaluations = evaluations.filter(employee_id=scope.employee_id)
    if scope.coach_id:
        evaluations = evaluations.filter(coach_id=scope.coach_id)
    return evaluations


# An answer on the 0-1 scale of the score, in SQL.
NORMALISED = Case(
    When(criterion__answer_type=AnswerType.YES_NO, then=F("value") * 1.0),
    When(criterion__answer_type=AnswerType.SCALE_1_5, then=(F("value") - 1) / 4.0),
    When(criterion__answer_type=AnswerType.SCALE_0_10, then=F("value") / 10.0),
    default=Value(None),
    output_field=FloatField(),
)


def _cells(model, organisation, scope: Scope):
    cells = model.objects.filter(organisation=organisation)
    if scope.team_id:
        cells = cells.filter(employee__team_id=scope.team_id)
    if scope.employee_id:
        cells = cells.filter(employee_id=scope.employee_id)
    if scope.coach_id:
        cells = cells.filter(coach_id=scope.coach_id)
    return cells


def _average(score_sum, scored) -> Decimal | None:
    return (Decimal(score_sum) / scored).quantize(Decimal("0.01")) if scored else None


def coaching_report(organisation, scope: Scope, *, now: datetime | None = None) -> Report:
    """Read from the monthly sums (coaching.rollups), not from every evaluation."""
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    this_month = now.astimezone(zone).date().replace(day=1)
    first = _months_back(this_month, MONTHS - 1)
    cells = _cells(EvaluationMonth, organisation, scope).filter(month__gte=first)
    report = Report()
    report.months = [
        {
            "month": row["month"],
            "evaluations": row["n"],
            "average": _average(row["total"], row["scored"]),
            "failed": row["failed"],
        }
        for row in cells.values("month")
        .annotate(
            n=Sum("evaluations"), total=Sum("score_sum"), scored=Sum("scored"), failed=Sum("failed")
        )  # fmt: skip
        .order_by("month")
    ]
    weakest_from = _months_back(this_month, WEAKEST_MONTHS - 1)
    report.weakest = [
        {
            "criterion_text": row["criterion_text"],
            "answers": row["n"],
            "average": round(row["total"] / row["n"] * 100, 1) if row["n"] else None,
        }
        for row in _cells(CriterionMonth, organisation, scope)
        .filter(month__gte=weakest_from)
        .values("criterion_text")
        .annotate(n=Sum("answers"), total=Sum("normalised_sum"))
        .order_by()
    ]
    report.weakest = sorted(
        report.weakest, key=lambda w: (w["average"] is None, w["average"], w["criterion_text"])
    )[:5]
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    sessions = CalibrationSession.objects.filter(
        organisation=organisation, status=SessionStatus.CLOSED, closed_at__gte=since
    )
    if scope.coach_id:
        sessions = sessions.filter(participants=scope.coach_id)
    report.agreement = list(
        sessions.annotate(month=TruncMonth("closed_at", tzinfo=zone))
        .values("month")
        .annotate(sessions=Count("pk"), average=Avg("alpha"))
        .order_by("month")
    )
    items = SampleItem.objects.filter(draw__organisation=organisation)
    if scope.team_id:
        items = items.filter(employee__team_id=scope.team_id)
    if scope.employee_id:
        items = items.filter(employee_id=scope.employee_id)
    report.samples = list(
        items.values(quarter=F("draw__quarter"))
        .annotate(
            drawn=Count("pk"),
            done=Count("pk", filter=Q(done_at__isnull=False)),
            with_employee=Count("pk", filter=Q(employee_present=True)),
        )
        .order_by("-quarter")[:8]
    )
    people = [
        {
            "employee_id": row["employee_id"],
            "name": row["employee__name"],
            "evaluations": row["n"],
            "average": _average(row["total"], row["scored"]),
        }
        for row in cells.values("employee_id", "employee__name")
        .annotate(n=Sum("evaluations"), total=Sum("score_sum"), scored=Sum("scored"))
        .order_by()
    ]
    report.people = sorted(
        people, key=lambda p: (p["average"] is None, p["average"], p["name"] or "")
    )[:50]
    report.coaches = sorted(
        (
            {
                "coach_id": row["coach_id"],
                "name": row["coach__username"],
                "evaluations": row["n"],
                "average": _average(row["total"], row["scored"]),
            }
            for row in cells.values("coach_id", "coach__username")
            .annotate(n=Sum("evaluations"), total=Sum("score_sum"), scored=Sum("scored"))
            .order_by()
        ),
        key=lambda c: (-c["evaluations"], c["name"]),
    )[:50]
    return report


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def report_csv_rows(report: Report) -> list[list[str]]:
    """The report as one table: section, label, count, average."""
    rows = [["section", "label", "count", "average"]]

    def number(value) -> str:
        return "" if value is None else f"{float(value):.2f}"

    for row in report.months:
        rows.append(["month", f"{row['month']:%Y-%m}", str(row["evaluations"]),
                     number(row["average"])])  # fmt: skip
    for row in report.weakest:
        rows.append(["weakest criterion", row["criterion_text"], str(row["answers"]),
                     number(row["average"])])  # fmt: skip
    for row in report.agreement:
        rows.append(["calibration", row["month"].strftime("%Y-%m"), str(row["sessions"]),
                     number(row["average"])])  # fmt: skip
    for row in report.samples:
        rows.append(["sample " + row["quarter"], "done", str(row["done"]), str(row["drawn"])])
    for row in report.people:
        rows.append(["employee", row["name"] or "", str(row["evaluations"]),
                     number(row["average"])])  # fmt: skip
    for row in report.coaches:
        rows.append(["coach", row["name"], str(row["evaluations"]), number(row["average"])])
    return rows
