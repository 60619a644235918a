"""The random sample: the coach's queue and each draw with its seed, population and proof."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.policy import may_ask
from coaching.evaluations import EvaluationError, hearable_purposes
from coaching.models import SampleDraw
from coaching.sample_requests import (
    may_ask_for_samples,
    may_work_samples,
    sample_items_for,
    sample_rule,
)
from coaching.sampling import draw_verified, queue_for, sample_done, without_calls
from organisations import roles
from organisations.decorators import organisation_view


def _check(request: HttpRequest) -> None:
    """Coaches, and where nobody may hear a sampled call without asking, those who may ask."""
    if not may_work_samples(request.membership):
        raise PermissionDenied


@organisation_view(roles.VIEW_RECORDINGS)
def sample_queue(request: HttpRequest) -> HttpResponse:
    _check(request)
    membership = request.membership
    evaluates = request.user.has_perm(f"organisations.{roles.EVALUATE_CALLS}", request.organisation)
    rule = sample_rule(membership)
    in_queue = set(queue_for(membership).values_list("pk", flat=True))
    items = [
        {
            "item": item,
            "hearable": bool(hearable_purposes(membership, item.recording)),
            "may_close": item.pk in in_queue,
        }
        for item in sample_items_for(membership)
    ]
    draws = SampleDraw.objects.filter(organisation=request.organisation)[:12]
    return render(
        request,
        "coaching/samples.html",
        {
            "items": items,
            "draws": draws,
            "evaluates": evaluates,
            "may_ask": may_ask_for_samples(membership),
            "may_ask_any": may_ask(membership),
            "sample_purpose": rule.purpose.code if rule else "",
            "with_employee": bool(rule and rule.employee_present),
        },
    )


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def sample_done_view(request: HttpRequest, item_id: int) -> HttpResponse:
    _check(request)
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


@organisation_view(roles.VIEW_RECORDINGS)
def draw_detail(request: HttpRequest, draw_id: uuid.UUID) -> HttpResponse:
    _check(request)
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
