"""The dashboard's to-do: answers to data subject requests waiting for this member's approval."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.models import Membership
from organisations.todo import Todo


def answers_to_approve(membership: Membership) -> list[Todo]:
    from subjects.answer import answers_unfinished, answers_waiting_for

    todos = []
    for queryset, label in (
        (answers_waiting_for(membership), _("Answers to data subject requests to approve")),
        (answers_unfinished(membership), _("Approved erasures that did not finish")),
    ):
        waiting = list(queryset.order_by("prepared_at")[:50])
        if waiting:
            url = reverse(
                "subjects:answer",
                kwargs={"org_slug": membership.organisation.slug, "answer_id": waiting[0].pk},
            )
            todos.append(Todo(label, len(waiting), url))
    return todos
