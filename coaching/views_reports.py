"""Coaching reports: trends, weakest criteria, calibration agreement, sample completion, per
organisation, team, employee or coach; charts in the page (SVG, no script) and a CSV export."""

from __future__ import annotations

import io
import math

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from coaching.reports import Scope, coaching_report, report_csv_rows
from organisations import roles
from organisations.decorators import organisation_view
from organisations.models import Employee, Membership, Team
from organisations.spreadsheet import csv_writer

# An SVG chart's own units (it scales to its card): the plot area inside leaves room for the
# value axis on the left, the months below and each bar's value above it.
CHART_WIDTH, CHART_HEIGHT = 400, 200
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 394, 20, 156


def _scope(request: HttpRequest) -> Scope:
    """team=, employee= or coach= from the query, each only of this organisation."""
    organisation = request.organisation

    def known(name: str, queryset, field: str = "pk") -> int | None:
        raw = request.GET.get(name)
        if not raw:
            return None
        if not raw.isdigit() or not queryset.filter(**{field: int(raw)}).exists():
            raise Http404
        return int(raw)

    return Scope(
        team_id=known("team", Team.objects.filter(organisation=organisation)),
        employee_id=known("employee", Employee.objects.filter(organisation=organisation)),
        coach_id=known(
            "coach", Membership.objects.filter(organisation=organisation), field="user_id"
        ),
    )


def _nice_top(highest: float) -> float:
    """The value axis's top: the highest value rounded up to 1, 2 or 5 times a power of ten."""
    if highest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(highest))
    for step in (1, 2, 5, 10):
        if highest <= step * power:
            return step * power
    return 10 * power


def _chart(rows: list[dict], value: str, top: float | None = None, decimals: int = 0) -> dict:
    """Bars with their values and months, and the value axis's ticks, in the chart's units.
    A negative value (an alpha below 0) draws no bar but keeps its value above the axis."""
    values = [None if r[value] is None else float(r[value]) for r in rows]
    top = top or _nice_top(max((v for v in values if v is not None), default=0))
    height = PLOT_BOTTOM - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(rows), 1)
    bar_width = min(slot * 0.7, 40)
    bars = []
    for n, v in enumerate(values):
        drawn = max(0.0, min(v or 0.0, top)) / top * height
        centre = PLOT_LEFT + slot * n + slot / 2
        bars.append(
            {
                "x": round(centre - bar_width / 2, 1),
                "centre": round(centre, 1),
                "width": round(bar_width, 1),
                "height": round(drawn, 1),
                "y": round(PLOT_BOTTOM - drawn, 1),
                "value_y": round(PLOT_BOTTOM - drawn - 4, 1),
                "month": rows[n].get("month"),
                "value": v,
            }
        )
    # 0, the middle (when it reads as a round number at this precision) and the top.
    shares = [0, 0.5, 1] if round(top / 2, decimals) == top / 2 else [0, 1]
    ticks = [
        {"value": top * share, "y": round(PLOT_BOTTOM - share * height, 1)} for share in shares
    ]
    return {
        "bars": bars,
        "ticks": ticks,
        "decimals": decimals,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
        "month_y": PLOT_BOTTOM + 15,
        "axis_title_y": CHART_HEIGHT - 4,
        "middle_x": round((PLOT_LEFT + PLOT_RIGHT) / 2, 1),
        "middle_y": round((PLOT_TOP + PLOT_BOTTOM) / 2, 1),
    }


@organisation_view(roles.VIEW_COACHING_REPORTS)
def report(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    data = coaching_report(request.organisation, scope)
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        csv_writer(buffer).writerows(report_csv_rows(data))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="coaching-{request.organisation.slug}.csv"'
        )
        return response
    organisation = request.organisation
    return render(
        request,
        "coaching/report.html",
        {
            "report": data,
            "scope": scope,
            "teams": Team.objects.filter(organisation=organisation).order_by("name"),
            "employees": Employee.objects.filter(organisation=organisation).order_by("name"),
            "coaches": Membership.objects.filter(organisation=organisation, role="coach")
            .select_related("user")
            .order_by("user__username"),
            "count_chart": _chart(data.months, "evaluations"),
            "score_chart": _chart(data.months, "average", top=100, decimals=1),
            "agreement_chart": _chart(data.agreement, "average", top=1, decimals=2),
            "query": request.GET.urlencode(),
        },
    )
