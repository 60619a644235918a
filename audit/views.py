from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

import audit
from audit.checkpoints import store_lines
from audit.selectors import audit_chain_head, audit_checkpoints_recent, audit_events_page
from audit.services import chain_key_for
from audit.signing import SigningKeyError, public_pem, verify_keys
from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view


@organisation_view(roles.VIEW_AUDIT_TRAIL)
def trail(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before", "")
    events, next_cursor = audit_events_page(
        organisation=request.organisation,
        before_sequence=int(before) if before.isdigit() else None,
    )
    context = {
        "events": events,
        "next_cursor": next_cursor,
        "head": audit_chain_head(organisation=request.organisation),
        "checkpoints": audit_checkpoints_recent(organisation=request.organisation),
    }
    return render(request, "audit/trail.html", context)


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
