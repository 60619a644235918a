"""The dashboard's to-do: answers to data subject requests waiting for this member's approval."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.models import Membership
from organisations.todo import Todo


def answers_to_approve(membership: Membership) -> list[Todo]:
    from subjects.answer import answers_waiting_for

    waiting = list(answers_waiting_for(membership).order_by("prepared_at")[:50])
    if not waiting:
        return []
    url = reverse(
        "subjects:answer",
        kwargs={"org_slug": membership.organisation.slug, "answer_id": waiting[0].pk},
    )
    return [Todo(_("Answers to data subject requests to approve"), len(waiting), url)]
