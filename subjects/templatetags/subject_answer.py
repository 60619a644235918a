"""{% subject_answer subject_request membership as answering %}: what the request page's answer
section needs (the answer in play, earlier rejected ones, the form, who may approve)."""

from __future__ import annotations

from django import template

from subjects.answer import ACTIONS_FOR_RIGHT, answer_in_play, approval_refusal, may_carry_out
from subjects.answer_constants import AnswerAction, AnswerStatus, CopyMedia
from subjects.answer_copy import copy_link_preview
from subjects.answer_forms import AnswerForm, RejectForm
from subjects.constants import SubjectDecision, SubjectRequestStatus

register = template.Library()


@register.simple_tag
def subject_answer(subject_request, membership, findings=None) -> dict:
    answer = answer_in_play(subject_request)
    actions = ACTIONS_FOR_RIGHT.get(subject_request.right, ())
    initial = {
        "action": actions[0] if actions else AnswerAction.DECISION_ONLY,
        "decision": SubjectDecision.GRANTED,
        "language": subject_request.answer_language,
        "media": CopyMedia.AUDIO,
    }
    if findings is not None and findings.nothing_found:
        initial["action"], initial["decision"] = (
            AnswerAction.DECISION_ONLY,
            SubjectDecision.NOTHING_FOUND,
        )
    may_prepare = answer is None and subject_request.status == SubjectRequestStatus.OPEN
    return {
        "answer": answer,
        "rejected": list(subject_request.answers.filter(status=AnswerStatus.REJECTED)),
        "form": AnswerForm(initial=initial, actions=actions) if may_prepare else None,
        "refusal": approval_refusal(membership, answer) if answer and answer.is_proposed else None,
        "reject_form": RejectForm(),
        "calls": answer.recordings.order_by("started_at") if answer else [],
        "letter": answer is not None and answer.status == AnswerStatus.CARRIED_OUT,
        "link_until": copy_link_preview(answer),
        "may_carry_out": may_carry_out(membership, answer),
    }
