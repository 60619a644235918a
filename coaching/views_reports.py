"""Coaching reports: trends, weakest criteria, calibration agreement, sample completion, per
organisation, team, employee or coach; charts in the page (SVG, no script) and a CSV export."""

from __future__ import annotations

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from coaching.reports import Scope, coaching_report, report_csv_rows
from organisations import roles
from organisations.decorators import organisation_view
from organisations.models import Employee, Membership, Team
from register.spreadsheet import csv_writer

CHART_WIDTH, CHART_HEIGHT = 480, 120


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


def _bars(rows: list[dict], value: str, top: float | None = None) -> list[dict]:
    """Bars for an SVG chart: x, y, width, height in the chart's own units."""
    values = [float(r[value] or 0) for r in rows]
    top = top or max(values, default=0) or 1
    width = CHART_WIDTH / max(len(rows), 1)
    return [
        {
            "x": round(n * width + 2, 1),
            "width": round(width - 4, 1),
            "height": round(v / top * (CHART_HEIGHT - 20), 1),
            "y": round(CHART_HEIGHT - 14 - v / top * (CHART_HEIGHT - 20), 1),
            "label": rows[n]["month"].strftime("%m") if "month" in rows[n] else "",
            "value": v,
        }
        for n, v in enumerate(values)
    ]


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
            "count_bars": _bars(data.months, "evaluations"),
            "score_bars": _bars(data.months, "average", top=100),
            "agreement_bars": _bars(data.agreement, "average", top=1),
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "query": request.GET.urlencode(),
        },
    )
