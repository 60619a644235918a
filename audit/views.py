from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import audit
from audit.checkpoints import store_lines
from audit.export import FORMATS, trail_export
from audit.filters import TrailFilterForm
from audit.presentation import event_rows
from audit.selectors import audit_chain_head, audit_checkpoints_recent, audit_events_page
from audit.services import chain_key_for
from audit.signing import SigningKeyError, public_pem, verify_keys
from audit.verification import chains_verify
from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view


@organisation_view(roles.VIEW_AUDIT_TRAIL)
def trail(request: HttpRequest) -> HttpResponse:
    """The trail, newest first, filtered by the GET form (bookmarkable); invalid filters show
    their error and no events rather than a trail filtered on half the criteria."""
    form = TrailFilterForm(request.GET, organisation=request.organisation)
    before = request.GET.get("before", "")
    rows, next_cursor = [], None
    if form.is_valid():
        events, next_cursor = audit_events_page(
            organisation=request.organisation,
            before_sequence=int(before) if before.isdigit() else None,
            condition=form.query(),
        )
        rows = event_rows(organisation=request.organisation, events=events)
    filters = form.active()
    context = {
        "form": form,
        "rows": rows,
        "filters": filters,
        "filter_query": urlencode(filters),
        "next_cursor": next_cursor,
        "paged": before.isdigit(),
        "head": audit_chain_head(organisation=request.organisation),
        "checkpoints": audit_checkpoints_recent(organisation=request.organisation),
    }
    return render(request, "audit/trail.html", context)


@organisation_view(roles.VIEW_AUDIT_TRAIL)
def trail_export_view(request: HttpRequest) -> HttpResponse:
    """Every event the filters match, as CSV or JSON (recorded as an audit event)."""
    form = TrailFilterForm(request.GET, organisation=request.organisation)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS or not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(_trail_url(request, form.active()))
    return trail_export(
        organisation=request.organisation,
        actor=request.user,
        fmt=fmt,
        condition=form.query(),
        filters=form.active(),
        ip_address=client_ip(request),
    )


@organisation_view(roles.VIEW_AUDIT_TRAIL)
@require_POST
def trail_verify(request: HttpRequest) -> HttpResponse:
    """Verify the organisation's chain against its signed checkpoints now (as verify_audit
    --org does); the result is stamped on the chain head and said on the page."""
    (report,) = chains_verify(keys=[chain_key_for(request.organisation)])
    if report.ok and report.checkpoint is not None:
        messages.success(
            request,
            _(
                "The audit trail is intact: %(count)s events checked; it agrees with the "
                "signed checkpoint of %(when)s (up to event %(sequence)s)."
            )
            % {
                "count": number_format(report.events_checked, force_grouping=True),
                "when": date_format(localtime(report.checkpoint.signed_at), "DATETIME_FORMAT"),
                "sequence": report.checkpoint.last_sequence,
            },
        )
    elif report.ok:
        messages.warning(
            request,
            _(
                "The audit trail is intact: %(count)s events checked; there is no signed "
                "checkpoint yet to compare it with."
            )
            % {"count": number_format(report.events_checked, force_grouping=True)},
        )
    else:
        messages.error(
            request,
            _("The audit trail is broken: %(problem)s") % {"problem": report.problem_translated()},
        )
    return redirect(_trail_url(request, {}))


def _trail_url(request: HttpRequest, filters: dict[str, str]) -> str:
    url = reverse("audit:trail", kwargs={"org_slug": request.organisation.slug})
    return f"{url}?{urlencode(filters)}" if filters else url


@organisation_view(roles.VIEW_AUDIT_TRAIL)
def checkpoints_download(request: HttpRequest) -> HttpResponse:
    """This organisation's signed checkpoints, as stored (JSON lines), for the privacy officer
    or auditor to keep: `manage.py verify_audit --checkpoints FILE` checks against them."""
    key = chain_key_for(request.organisation)
    body = "".join(line + "\n" for _, line in store_lines(key=key))
    audit.record(
        actor=request.user,
        action="audit.checkpoints.downloaded",
        organisation=request.organisation,
        ip_address=client_ip(request),
    )
    response = HttpResponse(body, content_type="application/jsonl; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-checkpoints-{request.organisation.slug}.jsonl"'
    )
    return response


@organisation_view(roles.VIEW_AUDIT_TRAIL)
def verify_key_download(request: HttpRequest) -> HttpResponse:
    """The public keys that verify the checkpoints (never the private key)."""
    try:
        keys = verify_keys()
    except SigningKeyError:
        keys = {}
    body = "".join(public_pem(key) for key in keys.values())
    response = HttpResponse(body, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="audit-verify-key.pem"'
    return response
