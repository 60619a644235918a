"""The transcript pages: the list, starting one from a call, and the transcript's own page
(typing beside the player, review of redactions, approval, export). Every POST goes through a
service; a refusal comes back as a message and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

import audit
from access.policy import listen_decision
from access.selectors import recording_get_for_user
from organisations import roles
from organisations.client_ip import client_ip
from organisations.decorators import organisation_view
from transcripts import approval, redactions, services
from transcripts.approval import submit_problem
from transcripts.case_records import case_record_file_name, case_record_get, case_record_read
from transcripts.constants import RedactionState, Speaker, TranscriptStatus
from transcripts.export import (
    anonymised_lines,
    export_refusal,
    recipients_for,
    transcript_export,
)
from transcripts.forms import (
    DecisionForm,
    ExportForm,
    ImportForm,
    ManualRedactionForm,
    StartForm,
    UtteranceForm,
)
from transcripts.models import Redaction, Transcript
from transcripts.policy import (
    TranscriptError,
    approval_refusal,
    edit_refusal,
    transcript_get_for_user,
    transcript_grants,
    transcripts_waiting_for,
)
from transcripts.review import utterance_rows


def _detail_url(request: HttpRequest, transcript_id: Any, anchor: str = "") -> str:
    url = reverse(
        "transcripts:detail",
        kwargs={"org_slug": request.organisation.slug, "transcript_id": transcript_id},
    )
    return f"{url}#{anchor}" if anchor else url


@organisation_view(roles.VIEW_RECORDINGS)
def transcript_list(request: HttpRequest) -> HttpResponse:
    mine = (
        Transcript.objects.filter(organisation=request.organisation, author=request.user)
        .select_related("recording", "purpose")
        .order_by("-created_at")[:100]
    )
    return render(
        request,
        "transcripts/list.html",
        {
            "mine": mine,
            "waiting": transcripts_waiting_for(request.membership),
            "may_read_policy": request.user.has_perm(
                f"organisations.{roles.VIEW_ACCESS_POLICY}", request.organisation
            ),
        },
    )


@organisation_view(roles.VIEW_RECORDINGS)
def transcript_start(request: HttpRequest, recording_id: uuid.UUID) -> HttpResponse:
    recording = recording_get_for_user(membership=request.membership, recording_id=recording_id)
    grants = transcript_grants(membership=request.membership, recording=recording)
    form = StartForm(request.POST or None, grants=grants)
    if request.method == "POST" and form.is_valid():
        try:
            transcript, created = services.transcript_start(
                membership=request.membership,
                recording=recording,
                grant_id=form.cleaned_data["grant"] or None,
                language=form.cleaned_data["language"],
                ip_address=client_ip(request),
            )
        except TranscriptError as error:
            messages.error(request, str(error))
        else:
            if not created:
                messages.info(request, _("You already started a transcript of this call."))
            return redirect(_detail_url(request, transcript.pk))
    return render(
        request,
        "transcripts/start.html",
        {"recording": recording, "form": form, "grants": grants},
    )


def _player(request: HttpRequest, transcript: Transcript) -> dict | None:
    """The player for the author while the grant lets them hear the call, else None."""
    if transcript.author_id != request.user.pk:
        return None
    code = transcript.purpose.code
    decision = listen_decision(
        membership=request.membership,
        recording=transcript.recording,
        purpose_code=code,
        continuing=True,
    )
    if not (decision.allowed or getattr(decision, "awaits_employee", False)):
        return None
    until = decision.grant or transcript.grant
    purpose = transcript.purpose
    return {
        "code": code,
        "description": purpose.description,
        "label": purpose.label,
        "until": until,
    }


def _page(request: HttpRequest, transcript: Transcript, **forms: Any) -> HttpResponse:
    membership = request.membership
    is_author = transcript.author_id == request.user.pk
    refusal = edit_refusal(membership, transcript) if is_author else None
    editable = is_author and refusal is None
    deciding = (
        transcript.status == TranscriptStatus.SUBMITTED
        and approval_refusal(membership, transcript) is None
    )
    exportable = export_refusal(membership, transcript) is None
    recipients = recipients_for(transcript) if exportable else []
    player = _player(request, transcript) if editable else None
    rows = utterance_rows(transcript, forms.pop("edit_forms", {}), editable=editable)
    proposals = sum(
        1 for row in rows for r in row["redactions"] if r.state == RedactionState.PROPOSED
    )
    context = {
        "transcript": transcript,
        "recording": transcript.recording,
        "is_author": is_author,
        "editable": editable,
        "edit_refusal": refusal,
        "deciding": deciding,
        "exportable": exportable,
        "rows": rows,
        "proposals_waiting": proposals,
        "submit_problem": submit_problem(transcript) if editable else None,
        "player": player,
        "purposes": [player] if player else [],
        "decisions": transcript.decisions.select_related("approver"),
        "preview": anonymised_lines(transcript, get_language()),
        "speakers": Speaker,
        "add_form": forms.get("add_form") or UtteranceForm(initial={"speaker": Speaker.EMPLOYEE}),
        "import_form": forms.get("import_form") or ImportForm(),
        "import_errors": forms.get("import_errors") or [],
        "manual_form": forms.get("manual_form") or ManualRedactionForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "export_form": forms.get("export_form") or ExportForm(recipients=recipients),
        "recipients": recipients,
        "has_case": transcript.request.case_id is not None,
    }
    return render(request, "transcripts/detail.html", context)


@organisation_view(roles.VIEW_RECORDINGS)
def transcript_detail(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    if transcript.author_id != request.user.pk:
        # The approver reads the clear text too: a read of personal data, so it is logged.
        audit.record(
            actor=request.user,
            action="transcripts.transcript.viewed",
            organisation=request.organisation,
            target=transcript,
            purpose=transcript.purpose.code,
            ip_address=client_ip(request),
        )
    return _page(request, transcript)


def _act(
    request: HttpRequest,
    transcript_id: uuid.UUID,
    action: Callable[[Transcript], str | None],
    anchor: str = "",
) -> HttpResponse:
    """Run one service for a POST: its message on success, the refusal otherwise."""
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    try:
        done = action(transcript)
    except TranscriptError as error:
        messages.error(request, str(error))
    else:
        if done:
            messages.success(request, done)
    return redirect(_detail_url(request, transcript.pk, anchor))


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def utterance_add(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    """Add an utterance. The page's script sends the form in the background (X-Transcript-Add)
    so the player keeps playing: it gets the new utterance's HTML, or the errors, as JSON."""
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    form = UtteranceForm(request.POST)
    background = request.headers.get("X-Transcript-Add") == "1"
    if form.is_valid():
        try:
            utterance = services.utterance_add(
                membership=request.membership,
                transcript_id=transcript.pk,
                start_seconds=form.cleaned_data["start"],
                end_seconds=form.cleaned_data["end"],
                speaker=form.speaker_value(),
                text=form.cleaned_data["text"],
                ip_address=client_ip(request),
            )
        except TranscriptError as error:
            form.add_error(None, str(error))
        else:
            if background:
                return JsonResponse({"html": _row_html(request, transcript, utterance.pk)})
            return redirect(_detail_url(request, transcript.pk, "add"))
    if background:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return JsonResponse({"errors": errors}, status=400)
    return _page(request, transcript, add_form=form)


def _row_html(request: HttpRequest, transcript: Transcript, utterance_id: int) -> str:
    rows = [
        row
        for row in utterance_rows(transcript, {}, editable=True)
        if row["utterance"].pk == utterance_id
    ]
    return render_to_string(
        "transcripts/includes/utterance.html",
        {"row": rows[0], "transcript": transcript, "editable": True},
        request=request,
    )


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def utterance_edit(
    request: HttpRequest, transcript_id: uuid.UUID, utterance_id: int
) -> HttpResponse:
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    form = UtteranceForm(request.POST, prefix=f"u{utterance_id}")
    if form.is_valid():
        try:
            dropped = services.utterance_change(
                membership=request.membership,
                transcript_id=transcript.pk,
                utterance_id=utterance_id,
                start_seconds=form.cleaned_data["start"],
                end_seconds=form.cleaned_data["end"],
                speaker=form.speaker_value(),
                text=form.cleaned_data["text"],
                ip_address=client_ip(request),
            )
        except TranscriptError as error:
            form.add_error(None, str(error))
        else:
            if dropped is not None and transcript.proposed_at is not None:
                messages.warning(
                    request,
                    _(
                        "The text changed, so its redactions no longer fit: they were dropped "
                        "and Earshot proposed them again. Review them."
                    ),
                )
                if dropped:
                    messages.warning(
                        request,
                        ngettext(
                            "%(count)d redaction you added by hand was dropped: add it "
                            "again where still needed.",
                            "%(count)d redactions you added by hand were dropped: add them "
                            "again where still needed.",
                            dropped,
                        )
                        % {"count": dropped},
                    )
            else:
                messages.success(request, _("Utterance saved."))
            return redirect(_detail_url(request, transcript.pk, f"u{utterance_id}"))
    return _page(request, transcript, edit_forms={utterance_id: form})


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def utterance_delete(
    request: HttpRequest, transcript_id: uuid.UUID, utterance_id: int
) -> HttpResponse:
    def delete(transcript: Transcript) -> str:
        services.utterance_delete(
            membership=request.membership,
            transcript_id=transcript.pk,
            utterance_id=utterance_id,
            ip_address=client_ip(request),
        )
        return _("Utterance deleted.")

    return _act(request, transcript_id, delete, "utterances")


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def transcript_import(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    form = ImportForm(request.POST, request.FILES)
    errors: list = []
    if form.is_valid():
        try:
            count = services.transcript_import(
                membership=request.membership,
                transcript_id=transcript.pk,
                data=form.cleaned_data["file"].read(),
                ip_address=client_ip(request),
            )
        except services.ImportRefused as refused:
            form.add_error(None, str(refused))
            errors = refused.errors
        except TranscriptError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                ngettext("%(count)d utterance imported.", "%(count)d utterances imported.", count)
                % {"count": count},
            )
            return redirect(_detail_url(request, transcript.pk, "utterances"))
    return _page(request, transcript, import_form=form, import_errors=errors)


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def redactions_propose(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    def run(transcript: Transcript) -> str:
        waiting = redactions.redactions_propose(
            membership=request.membership,
            transcript_id=transcript.pk,
            ip_address=client_ip(request),
        )
        return ngettext(
            "%(count)d proposed redaction waits for your decision.",
            "%(count)d proposed redactions wait for your decision.",
            waiting,
        ) % {"count": waiting}

    return _act(request, transcript_id, run, "review")


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def redaction_decide(
    request: HttpRequest, transcript_id: uuid.UUID, redaction_id: int
) -> HttpResponse:
    def decide(transcript: Transcript) -> None:
        redactions.redaction_decide(
            membership=request.membership,
            transcript_id=transcript.pk,
            redaction_id=redaction_id,
            state=request.POST.get("state", ""),
            ip_address=client_ip(request),
        )

    utterance = (
        Redaction.objects.filter(
            pk=redaction_id,
            utterance__transcript=transcript_id,
            utterance__transcript__organisation=request.organisation,
        )
        .values_list("utterance_id", flat=True)
        .first()
    )
    return _act(request, transcript_id, decide, f"u{utterance}" if utterance else "review")


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def redaction_add(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    form = ManualRedactionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            redactions.redaction_add(
                membership=request.membership,
                transcript_id=transcript.pk,
                utterance_id=data["utterance"],
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                exact=data["exact"],
                occurrence=data["occurrence"] or 1,
                ip_address=client_ip(request),
            )
        except TranscriptError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Redaction added."))
        return redirect(_detail_url(request, transcript.pk, f"u{data['utterance']}"))
    messages.error(request, _("Select the text to redact, or type it exactly."))
    return redirect(_detail_url(request, transcript.pk, "review"))


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def transcript_submit(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    def submit(transcript: Transcript) -> str:
        approval.transcript_submit(
            membership=request.membership,
            transcript_id=transcript.pk,
            ip_address=client_ip(request),
        )
        return _("Submitted: a second person now checks the anonymised version.")

    return _act(request, transcript_id, submit)


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def transcript_decide(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown decision."))
        return redirect(_detail_url(request, transcript.pk))
    try:
        decided = approval.transcript_decide(
            membership=request.membership,
            transcript_id=transcript.pk,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
            ip_address=client_ip(request),
        )
    except TranscriptError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(request, transcript.pk, "decide"))
    if decided.status == TranscriptStatus.APPROVED:
        messages.success(request, _("Approved: the anonymised version may now be exported."))
    else:
        messages.success(request, _("Sent back to the author with your comment."))
    return redirect(_detail_url(request, transcript.pk))


@organisation_view(roles.VIEW_RECORDINGS)
@require_POST
def transcript_export_view(request: HttpRequest, transcript_id: uuid.UUID) -> HttpResponse:
    transcript = transcript_get_for_user(membership=request.membership, transcript_id=transcript_id)
    form = ExportForm(request.POST, recipients=recipients_for(transcript))
    if form.is_valid():
        try:
            transcript_export(
                membership=request.membership,
                transcript_id=transcript.pk,
                recipient_email=form.cleaned_data["email"],
                recipient_id=form.cleaned_data["recipient"] or None,
                keep_as_case_record=form.cleaned_data["keep"],
                ip_address=client_ip(request),
            )
        except TranscriptError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Exported: the customer receives a download link and, in a separate "
                    "message, the code that opens it."
                ),
            )
            return redirect(_detail_url(request, transcript.pk))
    return _page(request, transcript, export_form=form)


@organisation_view(roles.VIEW_CASES)
@require_safe
def case_record_view(request: HttpRequest, record_id) -> HttpResponse:
    """A kept anonymised version, read on its page or downloaded as text (both audited)."""
    try:
        record = case_record_get(membership=request.membership, record_id=record_id)
    except TranscriptError:
        raise Http404("No such kept transcript.") from None
    download = bool(request.GET.get("download"))
    case_record_read(
        membership=request.membership,
        record=record,
        download=download,
        ip_address=client_ip(request),
    )
    if download:
        response = HttpResponse(record.anonymised_text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{case_record_file_name(record)}"'
        return response
    return render(request, "transcripts/case_record.html", {"record": record})
