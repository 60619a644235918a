"""Pages of the answer: prepare (privacy officer), the approval page (another privacy officer or
a manager), approve or reject, and the answer letter's download."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from organisations import roles
from organisations.client_ip import client_ip
from organisations.confirm import irreversible_confirmed
from organisations.decorators import organisation_view
from subjects.answer import (
    ACTIONS_FOR_RIGHT,
    APPROVER_ROLES,
    AnswerError,
    answer_approve,
    answer_carry_out,
    answer_letter,
    answer_prepare,
    answer_reject,
    approval_refusal,
    may_carry_out,
)
from subjects.answer_constants import AnswerAction, AnswerStatus
from subjects.answer_copy import copy_link_preview
from subjects.answer_forms import AnswerForm, RejectForm
from subjects.answer_models import SubjectAnswer
from subjects.selectors import subject_request_get


def _detail(request: HttpRequest, subject_request_id) -> HttpResponse:
    return redirect(
        "subjects:detail",
        org_slug=request.organisation.slug,
        subject_request_id=subject_request_id,
    )


def _answer_for(request: HttpRequest, answer_id) -> SubjectAnswer:
    """The answer, for who may approve it or handles requests; 404 to everyone else."""
    membership = request.membership
    may_see = membership.role in APPROVER_ROLES or request.user.has_perm(
        f"organisations.{roles.HANDLE_SUBJECT_REQUESTS}", request.organisation
    )
    try:
        pk = uuid.UUID(str(answer_id))
    except ValueError:
        raise Http404("No such answer.") from None
    answer = (
        SubjectAnswer.objects.select_related("subject_request", "prepared_by", "approved_by")
        .filter(pk=pk, organisation=request.organisation)
        .first()
    )
    if answer is None or not may_see:
        raise Http404("No such answer.")
    return answer


@organisation_view(roles.HANDLE_SUBJECT_REQUESTS)
@require_POST
def answer_prepare_view(request: HttpRequest, subject_request_id) -> HttpResponse:
    subject_request = subject_request_get(
        membership=request.membership, subject_request_id=subject_request_id
    )
    form = AnswerForm(request.POST, actions=ACTIONS_FOR_RIGHT.get(subject_request.right, ()))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return _detail(request, subject_request.pk)
    try:
        answer = answer_prepare(
            membership=request.membership,
            subject_request_id=subject_request.pk,
            judged_recording_ids=request.POST.getlist("answer-judged"),
            judged_case_ids=request.POST.getlist("answer-judged-case"),
            ip_address=client_ip(request),
            **form.cleaned_data,
        )
    except AnswerError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The answer is prepared: another privacy officer or a manager must approve it.")
            if answer.is_proposed
            else _("The decision is recorded and the request is answered; the letter is ready."),
        )
    return _detail(request, subject_request.pk)


@organisation_view(roles.VIEW_DASHBOARD)
@require_safe
def answer_detail_view(request: HttpRequest, answer_id) -> HttpResponse:
    answer = _answer_for(request, answer_id)
    return render(
        request,
        "subjects/answer_approval.html",
        {
            "answer": answer,
            "subject_request": answer.subject_request,
            "calls": answer.recordings.order_by("started_at"),
            "refusal": approval_refusal(request.membership, answer) if answer.is_proposed else None,
            "reject_form": RejectForm(),
            "membership": request.membership,
            "link_until": copy_link_preview(answer),
            "may_carry_out": may_carry_out(request.membership, answer),
        },
    )


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def answer_approve_view(request: HttpRequest, answer_id) -> HttpResponse:
    answer = _answer_for(request, answer_id)
    if answer.action == AnswerAction.ERASURE and not irreversible_confirmed(request):
        return redirect("subjects:answer", org_slug=request.organisation.slug, answer_id=answer.pk)
    try:
        answer = answer_approve(
            membership=request.membership, answer_id=answer.pk, ip_address=client_ip(request)
        )
    except AnswerError as error:
        messages.error(request, str(error))
    else:
        _carried_out_message(request, answer)
    return redirect("subjects:answer", org_slug=request.organisation.slug, answer_id=answer.pk)


def _carried_out_message(request: HttpRequest, answer: SubjectAnswer) -> None:
    if answer.status == AnswerStatus.CARRIED_OUT:
        messages.success(request, _("Approved and carried out; the request is answered."))
    else:
        messages.warning(
            request,
            _(
                "Approved, but not every call could be erased yet (a storage error): they are "
                "listed on the answer's page. The request stays open; carry the answer out "
                "again when the storage works."
            ),
        )


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def answer_carry_out_view(request: HttpRequest, answer_id) -> HttpResponse:
    answer = _answer_for(request, answer_id)
    try:
        answer = answer_carry_out(
            membership=request.membership, answer_id=answer.pk, ip_address=client_ip(request)
        )
    except AnswerError as error:
        messages.error(request, str(error))
    else:
        _carried_out_message(request, answer)
    return redirect("subjects:answer", org_slug=request.organisation.slug, answer_id=answer.pk)


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def answer_reject_view(request: HttpRequest, answer_id) -> HttpResponse:
    answer = _answer_for(request, answer_id)
    form = RejectForm(request.POST)
    try:
        answer_reject(
            membership=request.membership,
            answer_id=answer.pk,
            reason=form.data.get(form.add_prefix("reason"), ""),
            ip_address=client_ip(request),
        )
    except AnswerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The answer is rejected; a new one may be prepared."))
    return redirect("subjects:answer", org_slug=request.organisation.slug, answer_id=answer.pk)


@organisation_view(roles.HANDLE_SUBJECT_REQUESTS)
@require_safe
def answer_letter_view(request: HttpRequest, subject_request_id) -> HttpResponse:
    subject_request = subject_request_get(
        membership=request.membership, subject_request_id=subject_request_id
    )
    try:
        name, content = answer_letter(
            membership=request.membership,
            subject_request=subject_request,
            ip_address=client_ip(request),
        )
    except AnswerError as error:
        messages.error(request, str(error))
        return _detail(request, subject_request.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
