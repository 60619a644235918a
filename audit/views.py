from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from audit.verify_requests import chain_verification_pending, chain_verification_request
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
            before_sequence=int(before) if _number(before) and len(before) < 19 else None,
            condition=form.query(),
        )
        rows = event_rows(
            organisation=request.organisation, events=events, viewer=request.membership
        )
    filters = form.active()
    head = audit_chain_head(organisation=request.organisation)
    context = {
        "form": form,
        "rows": rows,
        "filters": filters,
        "filter_query": urlencode(filters),
        "next_cursor": next_cursor,
        "paged": _number(before),
        "head": head,
        "verification_pending": chain_verification_pending(head),
        "checkpoints": audit_checkpoints_recent(organisation=request.organisation),
    }
    return render(request, "audit/trail.html", context)


def _number(value: str) -> bool:
    """Digits 0-9 only: str.isdigit() also says yes to "²", which int() refuses."""
    return value.isascii() and value.isdigit()


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
    """Start a verification of the organisation's chain against its signed checkpoints (as
    verify_audit --org does), in a task: a big trail takes minutes. The page shows that it
    runs, then the result stamped on the chain head."""
    if chain_verification_request(organisation=request.organisation):
        messages.success(
            request,
            _(
                "The verification has started. It checks every event of this organisation; "
                "reload the page in a moment to see the result."
            ),
        )
    else:
        messages.info(request, _("A verification is already running; its result follows."))
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
