"""The retention page: purge reports, overdue and held calls, legal holds, and applying the
declared retention to existing calls."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access.forms_four_eyes import recordings_by_call_ids
from access.four_eyes import RequestError, cases_visible_to
from access.policy import recordings_visible_to
from access.selection import (
    RecordingsField,
    selection_initial,
    selection_read,
    selection_refusal,
)
from organisations import roles
from organisations.client_ip import client_ip
from organisations.confirm import irreversible_confirmed
from organisations.decorators import organisation_view
from organisations.widgets import DateInput
from recordings.constants import RecordingStatus
from recordings.models import AudioKey, Recording
from retention.archive import due_records
from retention.case_records import case_records_status
from retention.changes import (
    calls_on_earlier_period,
    change_decide,
    change_propose,
    declared_recording_days,
    purge_now,
)
from retention.constants import ChangeStatus, HoldStatus
from retention.holds import (
    hold_decide,
    hold_release_decide,
    hold_release_request,
    hold_request,
    hold_steps_for,
    holds_past_review,
)
from retention.models import DestructionList, LegalHold, PurgeRun, RetentionChange
from retention.purge import erase_early, overdue_recordings


class HoldForm(forms.Form):
    recording = RecordingsField()
    case = forms.ChoiceField(label=gettext_lazy("Case"), required=False)
    motivation = forms.CharField(
        label=gettext_lazy("Motivation"), widget=forms.Textarea(attrs={"rows": 4})
    )
    review_on = forms.DateField(label=gettext_lazy("Review on"), widget=DateInput())

    def __init__(self, *args, offered, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recording"].offer(offered)
        self.cases = {str(case.pk): case for case in cases}
        self.fields["case"].choices = [("", "—")] + [
            (key, str(case)) for key, case in self.cases.items()
        ]


@organisation_view(roles.VIEW_RETENTION)
def overview(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    live = Recording.objects.filter(
        organisation=organisation, status__in=(RecordingStatus.ACTIVE, RecordingStatus.HELD)
    )
    return render(
        request,
        "retention/overview.html",
        {
            "declared_days": declared_recording_days(organisation),
            "oldest": live.aggregate(oldest=Min("started_at"))["oldest"],
            "overdue": overdue_recordings(organisation).order_by("purge_deadline")[:50],
            "overdue_count": overdue_recordings(organisation).count(),
            "held_count": live.filter(status=RecordingStatus.HELD).count(),
            "earlier_period_count": calls_on_earlier_period(organisation).count(),
            "pending_change": RetentionChange.objects.filter(
                organisation=organisation, status=ChangeStatus.PENDING
            ).first(),
            "runs": PurgeRun.objects.filter(organisation=organisation)[:30],
            # The last keys destroyed: from then on no backup of their calls can be read.
            "destroyed_keys": AudioKey.objects.filter(
                organisation=organisation, destroyed_at__isnull=False
            ).order_by("-destroyed_at")[:14],
            "holds": LegalHold.objects.filter(organisation=organisation)
            .exclude(status__in=(HoldStatus.RELEASED, HoldStatus.DENIED))
            .select_related("case", "placed_by"),
            "past_review": set(holds_past_review(organisation).values_list("pk", flat=True)),
            "may_place": request.user.has_perm(
                f"organisations.{roles.PLACE_LEGAL_HOLD}", organisation
            ),
            "may_change": request.user.has_perm(
                f"organisations.{roles.CHANGE_RETENTION}", organisation
            ),
            "may_erase": request.user.has_perm(f"organisations.{roles.ERASE_EARLY}", organisation),
            "archive_due": len(due_records(organisation)[0]),
            "case_records": case_records_status(organisation),
            "destruction_lists": DestructionList.objects.filter(organisation=organisation)[:20],
        },
    )


@organisation_view(roles.PLACE_LEGAL_HOLD)
def hold_new(request: HttpRequest) -> HttpResponse:
    selection = selection_read(request, recordings_visible_to(membership=request.membership))
    selection_refusal(request, selection)
    cases = list(cases_visible_to(request.membership).filter(status="open"))
    case = request.GET.get("case", "")
    form = HoldForm(
        request.POST or None,
        initial={
            "recording": selection_initial(selection),
            "case": case if any(str(c.pk) == case for c in cases) else "",
        },
        offered=selection.recordings,
        cases=cases,
    )
    if request.method == "POST" and form.is_valid():
        try:
            hold = hold_request(
                membership=request.membership,
                recordings=form.cleaned_data["recording"],
                motivation=form.cleaned_data["motivation"],
                review_on=form.cleaned_data["review_on"],
                case=form.cases.get(form.cleaned_data["case"] or ""),
            )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The hold waits for a second person's approval."))
            return redirect("retention:hold", org_slug=request.organisation.slug, hold_id=hold.pk)
    return render(request, "retention/hold_new.html", {"form": form})


@organisation_view(roles.VIEW_RETENTION)
def hold_detail(request: HttpRequest, hold_id: uuid.UUID) -> HttpResponse:
    hold = (
        LegalHold.objects.filter(pk=hold_id, organisation=request.organisation)
        .select_related("case", "placed_by", "approved_by", "release_requested_by")
        .first()
    )
    if hold is None:
        raise Http404
    return render(
        request,
        "retention/hold_detail.html",
        {
            "hold": hold,
            "recordings": hold.recordings.order_by("started_at"),
            "steps": hold_steps_for(request.membership, hold),
            "past_review": hold.review_on < timezone.localdate()
            and hold.status in (HoldStatus.ACTIVE, HoldStatus.RELEASE_PENDING),
        },
    )


@organisation_view(roles.VIEW_RETENTION)
@require_POST
def hold_action(request: HttpRequest, hold_id: uuid.UUID) -> HttpResponse:
    action = request.POST.get("action", "")
    steps = {
        "approve": lambda: hold_decide(
            membership=request.membership, hold_id=hold_id, approve=True
        ),
        "deny": lambda: hold_decide(membership=request.membership, hold_id=hold_id, approve=False),
        "request_release": lambda: hold_release_request(
            membership=request.membership, hold_id=hold_id, reason=request.POST.get("reason", "")
        ),
        "approve_release": lambda: hold_release_decide(
            membership=request.membership, hold_id=hold_id, approve=True
        ),
        "deny_release": lambda: hold_release_decide(
            membership=request.membership, hold_id=hold_id, approve=False
        ),
    }
    if action not in steps:
        raise Http404
    try:
        hold = steps[action]()
    except RequestError as error:
        if str(error) == _("No such legal hold."):
            raise Http404 from None
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Done. The hold is now: %(status)s.") % {"status": hold.get_status_display()}
        )
    return redirect("retention:hold", org_slug=request.organisation.slug, hold_id=hold_id)


@organisation_view(roles.ERASE_EARLY)
@require_POST
def erase_early_view(request: HttpRequest) -> HttpResponse:
    if not irreversible_confirmed(request):
        return redirect("retention:overview", org_slug=request.organisation.slug)
    try:
        found = recordings_by_call_ids(
            request.POST.get("call_ids", ""),
            Recording.objects.filter(organisation=request.organisation),
        )
    except forms.ValidationError as error:
        found, problem = [], " ".join(error.messages)
    else:
        problem = "" if found else _("Name at least one recording.")
    if problem:
        messages.error(request, problem)
    else:
        try:
            outcome = erase_early(
                membership=request.membership,
                recordings=found,
                reason=request.POST.get("reason", ""),
            )
        except RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(n)d call(s) erased; %(failed)d could not be erased yet.")
                % {"n": outcome.purged, "failed": outcome.failed},
            )
    return redirect("retention:overview", org_slug=request.organisation.slug)


@organisation_view(roles.CHANGE_RETENTION)
@require_POST
def purge_now_view(request: HttpRequest) -> HttpResponse:
    try:
        purge_now(membership=request.membership, ip_address=client_ip(request))
    except RequestError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "The purge runs now and erases what is due, as the hourly run does. Its "
                "report appears under Purge runs within a minute; reload the page to see it."
            ),
        )
    return redirect("retention:overview", org_slug=request.organisation.slug)


@organisation_view(roles.CHANGE_RETENTION)
@require_POST
def change_action(request: HttpRequest) -> HttpResponse:
    try:
        if request.POST.get("action") == "propose":
            change_propose(membership=request.membership)
            messages.success(request, _("Proposed. A second person must approve it."))
        else:
            change = change_decide(
                membership=request.membership,
                change_id=request.POST.get("change", ""),
                approve=request.POST.get("action") == "approve",
            )
            messages.success(
                request,
                _("Done. %(n)d call(s) now follow the declared retention.") % {"n": change.affected}
                if change.status == ChangeStatus.APPLIED
                else _("The proposal was denied."),
            )
    except (RequestError, ValueError) as error:
        messages.error(request, str(error))
    return redirect("retention:overview", org_slug=request.organisation.slug)
