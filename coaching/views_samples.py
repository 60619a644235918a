"""The random sample: the coach's queue and each draw with its seed, population and proof."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching.evaluations import EvaluationError, hearable_purposes
from coaching.models import SampleDraw
from coaching.sampling import draw_verified, queue_for, sample_done, without_calls
from organisations import roles
from organisations.decorators import organisation_view


@organisation_view(roles.EVALUATE_CALLS)
def sample_queue(request: HttpRequest) -> HttpResponse:
    items = [
        (item, bool(hearable_purposes(request.membership, item.recording)))
        for item in queue_for(request.membership)
    ]
    draws = SampleDraw.objects.filter(organisation=request.organisation)[:12]
    return render(request, "coaching/samples.html", {"items": items, "draws": draws})


@organisation_view(roles.EVALUATE_CALLS)
@require_POST
def sample_done_view(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        sample_done(
            membership=request.membership,
            item_id=item_id,
            employee_present=request.POST.get("employee_present") == "on",
        )
    except EvaluationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Recorded as listened to."))
    return redirect("coaching:samples", org_slug=request.organisation.slug)


@organisation_view(roles.EVALUATE_CALLS)
def draw_detail(request: HttpRequest, draw_id: uuid.UUID) -> HttpResponse:
    draw = SampleDraw.objects.filter(organisation=request.organisation, pk=draw_id).first()
    if draw is None:
        raise Http404
    sizes = {int(e): len(ids) for e, ids in draw.population.items()}
    return render(
        request,
        "coaching/sample_draw.html",
        {
            "draw": draw,
            "items": [
                (item, sizes.get(item.employee_id, 0))
                for item in draw.items.select_related("employee", "recording")
            ],
            "verified": draw_verified(draw),
            "without_calls": without_calls(draw),
        },
    )
