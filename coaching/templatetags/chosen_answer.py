"""{% chosen_answer criterion answer as chosen %}: a released evaluation's answer as a reader
reads it, the words of the answer and what it scored, instead of a greyed-out radio button."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from coaching.constants import ANSWER_VALUES, AnswerType
from coaching.scoring import normalised

register = template.Library()


@dataclass(frozen=True)
class Chosen:
    text: str  # "yes", "4 of 5", "not applicable", "not answered"
    points: Decimal | None  # 0..100, what the answer scored; None when it scored nothing


@register.simple_tag
def chosen_answer(criterion, answer) -> Chosen:
    if answer is None or (answer.value is None and not answer.not_applicable):
        return Chosen(_("not answered"), None)
    if answer.not_applicable:
        return Chosen(_("not applicable"), None)
    answer_type = AnswerType(criterion.answer_type)
    if answer_type == AnswerType.YES_NO:
        text = _("yes") if answer.value == 1 else _("no")
    else:
        text = _("%(value)s of %(highest)s") % {
            "value": answer.value,
            "highest": ANSWER_VALUES[answer_type][-1],
        }
    try:
        points = (normalised(answer_type, answer.value) * 100).quantize(Decimal("1"))
    except ValueError:
        points = None
    return Chosen(text, points)
