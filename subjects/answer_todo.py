"""The dashboard's to-do: answers to data subject requests waiting for this member's approval,
each due by its request's legal deadline."""

from __future__ import annotations

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.models import Membership
from organisations.todo import ITEMS_SHOWN, Todo, WorkItem, todo_group


def answers_to_approve(membership: Membership) -> list[Todo]:
    from subjects.answer import answers_unfinished, answers_waiting_for

    slug = membership.organisation.slug

    def item(answer) -> WorkItem:
        subject_request = answer.subject_request
        return WorkItem(
            title=_("%(right)s · %(reference)s")
            % {"right": subject_request.get_right_display(), "reference": subject_request},
            url=reverse("subjects:answer", kwargs={"org_slug": slug, "answer_id": answer.pk}),
            deadline=subject_request.effective_deadline,
            detail=subject_request.requester_name,
        )

    todos = []
    for queryset, label in (
        (answers_waiting_for(membership), _("Answers to data subject requests to approve")),
        (answers_unfinished(membership), _("Approved erasures that did not finish")),
    ):
        count = queryset.count()
        if count:
            # By the deadline that counts: the extended one where the request was extended.
            due = Coalesce("subject_request__extended_deadline", "subject_request__deadline")
            rows = list(queryset.order_by(due, "prepared_at")[:ITEMS_SHOWN])
            # An approver may not open the list of requests: "all" opens the first answer.
            url = reverse("subjects:answer", kwargs={"org_slug": slug, "answer_id": rows[0].pk})
            todos.append(todo_group(label, url, rows, item, count=count))
    return todos
