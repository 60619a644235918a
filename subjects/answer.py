"""Answering a data subject request: one privacy officer prepares the answer (a copy of the
data, the calls to erase, or only a decision), a second person approves it, and only then does
anything leave or go; the request is then decided and closed, with its letter.

Four eyes: the approver is another privacy officer or a manager (the manager already approves
legal holds and so weighs what happens to calls; an organisation usually has one privacy
officer). Never the one who prepared it (also a database constraint). An answer that only
records a decision (nothing found, a refusal, a restriction noted) sends and erases nothing and
is closed by the privacy officer alone.

Access (art. 15): a full copy through access.disclosures.disclosure_share (link plus separate
code): the letter, a PDF and a JSON of everything found, and per call its audio (read by
access.subject_audio, each call audited) or an approved anonymised transcript, or neither.
Erasure (art. 17) and a granted objection (art. 21): the unheld calls are erased early by the
retention engine (retention.purge.erase_early: the purge's deletion, tombstone and audit event
`retention.recording.erased_early` naming the request); held calls stay and the answer names
the hold. Cases and requests are case records under their own retention and are not erased.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access.disclosures import DisclosureError
from access.four_eyes import RequestError
from organisations.constants import Role
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.storage import audio_storage
from subjects.answer_constants import AnswerAction, AnswerStatus, CopyMedia
from subjects.answer_copy import answer_send_copy
from subjects.answer_erasure import answer_erase
from subjects.answer_models import SubjectAnswer
from subjects.answer_notify import approvers_notify_on_commit
from subjects.answer_outcome import found_counts, today_iso
from subjects.constants import AnswerLanguage, SubjectDecision, SubjectRequestStatus, SubjectRight
from subjects.letter import letter_file_name, letter_pdf
from subjects.models import SubjectRequest
from subjects.search import find_subject_data

logger = logging.getLogger(__name__)

APPROVER_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.MANAGER})
ACTIONS_FOR_RIGHT = {
    SubjectRight.ACCESS: (AnswerAction.COPY, AnswerAction.DECISION_ONLY),
    SubjectRight.ERASURE: (AnswerAction.ERASURE, AnswerAction.DECISION_ONLY),
    # A granted objection to processing on legitimate interest ends in erasure of the calls.
    SubjectRight.OBJECTION: (AnswerAction.ERASURE, AnswerAction.DECISION_ONLY),
    SubjectRight.RESTRICTION: (AnswerAction.DECISION_ONLY,),
}


class AnswerError(Exception):
    """The message is for the person who asked."""


def _judged_calls(findings: Any, chosen: Any) -> list:
    """The calls the search flagged to judge (a name alone, an identifier two people share)
    that the privacy officer judged to be the person's; anything else is refused."""
    flagged = {call.pk: call for note in findings.ambiguous for call in note.recordings}
    judged = []
    for value in chosen or ():
        try:
            pk = uuid.UUID(str(value))
        except ValueError:
            pk = None
        if pk not in flagged:
            raise AnswerError(_("One of the calls chosen is not among the calls to judge."))
        judged.append(flagged[pk])
    return judged


def _judged_cases(findings: Any, chosen: Any) -> list:
    """The cases the search only flagged (found through their free text or the name alone,
    not linked to the person's own calls) that the privacy officer ticked as the person's;
    any other id (another organisation's, one the search did not flag) is refused."""
    flagged = {case.pk: case for note in findings.ambiguous for case in note.cases}
    judged = {}
    for value in chosen or ():
        try:
            pk = uuid.UUID(str(value))
        except ValueError:
            pk = None
        if pk not in flagged:
            raise AnswerError(_("One of the cases chosen is not among the cases to judge."))
        judged[pk] = flagged[pk]
    return list(judged.values())


def _check(
    subject_request: SubjectRequest,
    action: str,
    decision: str,
    media: str,
    findings: Any,
    calls: list,
) -> None:
    if action not in ACTIONS_FOR_RIGHT.get(subject_request.right, ()):
        raise AnswerError(_("This action does not answer a request of this kind."))
    if decision not in SubjectDecision.values:
        raise AnswerError(_("Choose a decision."))
    if decision == SubjectDecision.NOTHING_FOUND:
        if action != AnswerAction.DECISION_ONLY or not findings.nothing_found:
            raise AnswerError(
                _("The search found data about the person: the decision cannot be 'nothing found'.")
            )
        return
    if action == AnswerAction.DECISION_ONLY:
        return
    if decision not in (SubjectDecision.GRANTED, SubjectDecision.PARTLY_GRANTED):
        raise AnswerError(_("A copy is sent or calls are erased only when the request is granted."))
    if action == AnswerAction.COPY:
        if media not in CopyMedia.values:
            raise AnswerError(_("Choose what the copy holds of each call."))
        if not subject_request.requester_email:
            raise AnswerError(_("The request has no e-mail address to send the copy to."))
        if findings.nothing_found:
            raise AnswerError(_("Nothing was found to copy: decide 'nothing found' instead."))
    if action == AnswerAction.ERASURE:
        if not calls:
            raise AnswerError(_("No calls of the person were found to erase."))
        held = any(call.status == RecordingStatus.HELD for call in calls)
        if held and decision == SubjectDecision.GRANTED:
            raise AnswerError(
                _(
                    "Some calls are under legal hold and cannot be erased: the request can "
                    "only be partly granted."
                )
            )


def answer_prepare(
    *,
    membership: Membership,
    subject_request_id: Any,
    action: str,
    decision: str,
    reason: str,
    language: str,
    media: str = "",
    judged_recording_ids: Any = (),
    judged_case_ids: Any = (),
    ip_address: str | None = None,
) -> SubjectAnswer:
    """Prepare the answer. One that only records a decision is carried out at once.
    `judged_recording_ids` / `judged_case_ids`: calls and cases the search only flagged,
    judged to be the person's (only those go into a copy besides what is certain)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        subject_request = (
            SubjectRequest.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=subject_request_id, organisation=membership.organisation_id)
            .first()
        )
        if subject_request is None:
            raise AnswerError(_("No such request."))
        if subject_request.status != SubjectRequestStatus.OPEN:
            raise AnswerError(_("This request is not open: it has been answered or withdrawn."))
        if subject_request.answers.exclude(status=AnswerStatus.REJECTED).exists():
            raise AnswerError(_("An answer to this request has already been prepared."))
        if not reason:
            raise AnswerError(_("Give the reason for the decision; the letter states it."))
        if language not in AnswerLanguage.values:
            raise AnswerError(_("Choose the language of the letter."))
        findings = find_subject_data(subject_request)
        judged = _judged_calls(findings, judged_recording_ids)
        judged_cases = _judged_cases(findings, judged_case_ids)
        calls = list(findings.recordings) + judged
        _check(subject_request, action, decision, media, findings, calls)
        found = found_counts(findings)
        found["recordings"] = len(calls)
        found["cases"] += len(judged_cases)
        outcome = {"found": found}
        if action == AnswerAction.COPY:
            outcome["judged_cases"] = sorted(str(case.pk) for case in judged_cases)
        answer = SubjectAnswer.objects.create(
            organisation=subject_request.organisation,
            subject_request=subject_request,
            action=action,
            media=media if action == AnswerAction.COPY else "",
            decision=decision,
            reason=reason,
            language=language,
            prepared_by=membership.user,
            outcome=outcome,
        )
        if action != AnswerAction.DECISION_ONLY:
            answer.recordings.set(calls)
        audit.record(
            actor=membership.user,
            action="subjects.answer.prepared",
            organisation=subject_request.organisation,
            target=subject_request,
            detail={
                "answer": str(answer.pk),
                "action": action,
                "decision": decision,
                "media": answer.media,
                "calls": answer.recordings.count(),
                "judged_calls": len(judged),
                "judged_cases": len(judged_cases),
            },
            ip_address=ip_address,
        )
        if action == AnswerAction.DECISION_ONLY:
            _close(answer, membership, ip_address)
        else:
            approvers_notify_on_commit(answer, APPROVER_ROLES)
    return answer


def _locked_answer(
    membership: Membership, answer_id: Any, *, status: str = AnswerStatus.PROPOSED
) -> SubjectAnswer:
    """The answer of this organisation, locked for the decision, if it is still in `status`."""
    answer = (
        SubjectAnswer.objects.select_for_update(of=("self",))
        .select_related("subject_request__organisation")
        .filter(pk=answer_id, organisation=membership.organisation_id)
        .first()
    )
    if answer is None:
        raise AnswerError(_("No such answer."))
    if answer.status != status:
        if status == AnswerStatus.APPROVED:
            raise AnswerError(_("This answer is not waiting to be carried out."))
        raise AnswerError(_("This answer has already been approved or rejected."))
    return answer


def approval_refusal(membership: Membership, answer: SubjectAnswer) -> str | None:
    """Why this member may not approve this answer, or None."""
    if answer.prepared_by_id == membership.user_id:
        return _("You prepared this answer: another privacy officer or a manager must approve it.")
    if membership.role not in APPROVER_ROLES or not membership.active:
        return _("Only another privacy officer or a manager may approve the answer.")
    return None


def may_carry_out(membership: Membership, answer: SubjectAnswer | None) -> bool:
    """Whether this member may carry out again an approved erasure that did not finish."""
    return (
        answer is not None
        and answer.status == AnswerStatus.APPROVED
        and membership.role in APPROVER_ROLES
        and membership.active
    )


def answer_approve(
    *, membership: Membership, answer_id: Any, ip_address: str | None = None
) -> SubjectAnswer:
    """The second person approves; the copy is sent or the calls are erased, and the request
    is decided and closed.

    A copy is made, sent and the request closed in one transaction (disclosure_share sends its
    e-mails once it commits; a stored copy is deleted when anything after it fails, so a retry
    makes the only copy). An erasure is carried out in three steps, so that no rollback can
    bring back a row whose audio is already gone: (1) the approval is committed ("approved,
    being carried out"); (2) the calls are erased by the retention engine, which commits per
    batch; (3) the outcome is recorded and the request closed. When (2) or (3) does not finish,
    or a call could not be erased, the answer stays "being carried out" and the request open;
    it is carried out again with answer_carry_out."""
    copy_key = ""
    try:
        with transaction.atomic():
            answer = _locked_answer(membership, answer_id)
            refusal = approval_refusal(membership, answer)
            if refusal:
                raise AnswerError(refusal)
            locked = SubjectRequest.objects.select_for_update().get(pk=answer.subject_request_id)
            if locked.status != SubjectRequestStatus.OPEN:
                raise AnswerError(_("This request is not open: it has been answered or withdrawn."))
            answer.approved_by, answer.approved_at = membership.user, timezone.now()
            if answer.action == AnswerAction.COPY:
                answer_send_copy(answer, membership, ip_address)
                copy_key = answer.disclosure.storage_key if answer.disclosure else ""
            if answer.action == AnswerAction.ERASURE:
                answer.status = AnswerStatus.APPROVED
            answer.save()
            audit.record(
                actor=membership.user,
                action="subjects.answer.approved",
                organisation=answer.organisation,
                target=answer.subject_request,
                detail={"answer": str(answer.pk), "action": answer.action},
                ip_address=ip_address,
            )
            if answer.action != AnswerAction.ERASURE:
                _close(answer, membership, ip_address)
    except (DisclosureError, RequestError) as error:
        _delete_copy(copy_key)
        raise AnswerError(str(error)) from error
    except BaseException:
        _delete_copy(copy_key)  # the approval rolled back: its copy must not stay behind
        raise
    if answer.action == AnswerAction.ERASURE:
        return _carry_out_erasure(answer.pk, membership, ip_address)
    return answer


def _delete_copy(key: str) -> None:
    if not key:
        return
    try:
        audio_storage().delete(key)
    except Exception:  # logged: the error that rolled the approval back is the one to raise
        logger.exception("the copy %s of a rolled-back answer was not deleted", key)


def answer_carry_out(
    *, membership: Membership, answer_id: Any, ip_address: str | None = None
) -> SubjectAnswer:
    """Carry out again an approved erasure that did not finish (an error, or a call whose
    audio could not be deleted). Safe to repeat: only calls still active are erased, calls
    already erased count as erased. The approval stands; any privacy officer or manager may
    retry it."""
    with transaction.atomic():
        answer = _locked_answer(membership, answer_id, status=AnswerStatus.APPROVED)
        if not may_carry_out(membership, answer):
            raise AnswerError(_("Only a privacy officer or a manager may carry out the answer."))
        audit.record(
            actor=membership.user,
            action="subjects.answer.retried",
            organisation=answer.organisation,
            target=answer.subject_request,
            detail={"answer": str(answer.pk), "action": answer.action},
            ip_address=ip_address,
        )
    return _carry_out_erasure(answer.pk, membership, ip_address)


def _carry_out_erasure(
    answer_id: Any, membership: Membership, ip_address: str | None
) -> SubjectAnswer:
    """Steps 2 and 3 of an approved erasure, outside any transaction of the approval."""
    try:
        answer = SubjectAnswer.objects.select_related("subject_request__organisation").get(
            pk=answer_id
        )
        answer_erase(answer, membership)  # the retention engine commits per batch
        with transaction.atomic():
            locked = (
                SubjectAnswer.objects.select_for_update(of=("self",))
                .select_related("subject_request__organisation")
                .get(pk=answer_id)
            )
            if locked.status != AnswerStatus.APPROVED:
                return locked  # carried out meanwhile by another click
            locked.outcome = answer.outcome
            if locked.outcome.get("failed"):
                # Not done: the calls stay active with their audio until a retry erases them;
                # the request stays open, its deadline tracked.
                locked.save(update_fields=["outcome"])
                audit.record(
                    actor=membership.user,
                    action="subjects.answer.erasure_incomplete",
                    organisation=locked.organisation,
                    target=locked.subject_request,
                    detail={"answer": str(locked.pk), "not_erased": len(locked.outcome["failed"])},
                    ip_address=ip_address,
                )
                return locked
            SubjectRequest.objects.select_for_update().get(pk=locked.subject_request_id)
            _close(locked, membership, ip_address)
            return locked
    except RequestError as error:
        raise AnswerError(str(error)) from error
    except Exception as error:
        logger.exception("carrying out answer %s did not finish", answer_id)
        raise AnswerError(
            _(
                "The answer is approved, but erasing the calls did not finish. Nothing is lost: "
                "carry it out again from the answer's page."
            )
        ) from error


def answer_reject(
    *, membership: Membership, answer_id: Any, reason: str, ip_address: str | None = None
) -> SubjectAnswer:
    """The second person sends the answer back (or its preparer takes it back); a new one may
    then be prepared."""
    reason = (reason or "").strip()
    if not reason:
        raise AnswerError(_("Say why the answer is rejected."))
    with transaction.atomic():
        answer = _locked_answer(membership, answer_id)
        if answer.prepared_by_id != membership.user_id and (
            membership.role not in APPROVER_ROLES or not membership.active
        ):
            raise AnswerError(_("Only another privacy officer or a manager may reject the answer."))
        answer.status = AnswerStatus.REJECTED
        answer.rejected_by, answer.rejected_at = membership.user, timezone.now()
        answer.rejection_reason = reason
        answer.save()
        audit.record(
            actor=membership.user,
            action="subjects.answer.rejected",
            organisation=answer.organisation,
            target=answer.subject_request,
            detail={"answer": str(answer.pk), "action": answer.action},
            ip_address=ip_address,
        )
    return answer


def _close(answer: SubjectAnswer, membership: Membership, ip_address: str | None) -> None:
    """Decide and close the request: the decision is the preparer's, stamped now."""
    now = timezone.now()
    answer.status = AnswerStatus.CARRIED_OUT
    answer.outcome = {
        **answer.outcome,
        "done_on": answer.outcome.get("done_on") or today_iso(answer),
    }
    answer.save()
    subject_request = answer.subject_request
    subject_request.decision = answer.decision
    subject_request.decision_reason = answer.reason
    subject_request.decided_by_id = answer.prepared_by_id
    subject_request.decided_at = now
    subject_request.answer_language = answer.language
    subject_request.status = SubjectRequestStatus.ANSWERED
    subject_request.closed_at = now
    subject_request.save(
        update_fields=[
            "decision",
            "decision_reason",
            "decided_by",
            "decided_at",
            "answer_language",
            "status",
            "closed_at",
        ]
    )
    audit.record(
        actor=membership.user,
        action="subjects.request.answered",
        organisation=answer.organisation,
        target=subject_request,
        detail={"answer": str(answer.pk), "decision": answer.decision, "action": answer.action},
        ip_address=ip_address,
    )


# ---------------------------------------------------------------------------------------------
# Reads


def answer_in_play(subject_request: SubjectRequest) -> SubjectAnswer | None:
    """The answer waiting for approval or carried out (not a rejected one)."""
    return (
        subject_request.answers.exclude(status=AnswerStatus.REJECTED)
        .select_related("prepared_by", "approved_by", "disclosure")
        .first()
    )


def answer_letter(
    *, membership: Membership, subject_request: SubjectRequest, ip_address
) -> tuple[str, bytes]:
    """The letter of the request's carried-out answer, logged as downloaded."""
    answer = subject_request.answers.filter(status=AnswerStatus.CARRIED_OUT).first()
    if answer is None:
        raise AnswerError(_("This request has no answer letter yet."))
    content = letter_pdf(answer)
    audit.record(
        actor=membership.user,
        action="subjects.letter.downloaded",
        organisation=membership.organisation,
        target=subject_request,
        detail={"answer": str(answer.pk), "language": answer.language},
        ip_address=ip_address,
    )
    return letter_file_name(answer), content


def answers_waiting_for(membership: Membership):
    """Answers another member prepared that this member may approve."""
    if membership.role not in APPROVER_ROLES or not membership.active:
        return SubjectAnswer.objects.none()
    return (
        SubjectAnswer.objects.filter(
            organisation=membership.organisation_id, status=AnswerStatus.PROPOSED
        )
        .exclude(prepared_by=membership.user_id)
        .select_related("subject_request")
    )


def answers_unfinished(membership: Membership):
    """Approved erasures that did not finish, for those who may carry them out again."""
    if membership.role not in APPROVER_ROLES or not membership.active:
        return SubjectAnswer.objects.none()
    return SubjectAnswer.objects.filter(
        organisation=membership.organisation_id, status=AnswerStatus.APPROVED
    ).select_related("subject_request")
