"""Management information on coaching, per organisation, team, employee or coach.

Counts only evaluations released to the employee (or acknowledged, disputed); never drafts,
retracted evaluations or calibration scores. Every figure is one aggregate query.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from coaching.constants import AnswerType, EvaluationStatus, SessionStatus
from coaching.models import Answer, CalibrationSession, Evaluation, SampleItem

COUNTED = (EvaluationStatus.RELEASED, EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.DISPUTED)
MONTHS = 12
WEAKEST_DAYS = 90


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
_NORMALISED = Case(
    When(criterion__answer_type=AnswerType.YES_NO, then=F("value") * 1.0),
    When(criterion__answer_type=AnswerType.SCALE_1_5, then=(F("value") - 1) / 4.0),
    When(criterion__answer_type=AnswerType.SCALE_0_10, then=F("value") / 10.0),
    default=Value(None),
    output_field=FloatField(),
)


def coaching_report(organisation, scope: Scope, *, now: datetime | None = None) -> Report:
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    since = now - timedelta(days=31 * MONTHS)
    evaluations = counted_evaluations(organisation, scope)
    recent = evaluations.filter(released_at__gte=since)
    report = Report()
    report.months = list(
        recent.annotate(month=TruncMonth("released_at", tzinfo=zone))
        .values("month")
        .annotate(
            evaluations=Count("pk"),
            average=Avg("score"),
            failed=Count("pk", filter=Q(fatal_failed=True)),
        )
        .order_by("month")
    )
    report.weakest = [
        {**row, "average": None if row["average"] is None else round(row["average"] * 100, 1)}
        for row in Answer.objects.filter(
            evaluation__in=evaluations.filter(released_at__gte=now - timedelta(days=WEAKEST_DAYS)),
            not_applicable=False,
            value__isnull=False,
        )
        .values(criterion_text=F("criterion__text"))
        .annotate(average=Avg(_NORMALISED), answers=Count("pk"))
        .order_by("average", "criterion_text")[:5]
    ]
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
    report.people = list(
        recent.values("employee_id", name=F("employee__name"))
        .annotate(evaluations=Count("pk"), average=Avg("score"))
        .order_by("average", "name")[:50]
    )
    report.coaches = list(
        recent.values("coach_id", name=F("coach__username"))
        .annotate(evaluations=Count("pk"), average=Avg("score"))
        .order_by("-evaluations", "name")[:50]
    )
    return report


def report_csv_rows(report: Report) -> list[list[str]]:
    """The report as one table: section, label, count, average."""
    rows = [["section", "label", "count", "average"]]

    def number(value) -> str:
        return "" if value is None else f"{float(value):.2f}"

    for row in report.months:
        rows.append(["month", row["month"].strftime("%Y-%m"), str(row["evaluations"]),
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
