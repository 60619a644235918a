from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.selectors import audit_chain_head, audit_events_page
from organisations import roles
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
    }
    return render(request, "audit/trail.html", context)
