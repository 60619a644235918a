"""The privacy officer's dashboard: the register's lines of evidence in red (a declared line and
what happens disagree), each linking to where its cause is seen."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.constants import Role
from organisations.models import Membership
from organisations.todo import Todo, WorkItem, todo_group
from register.evidence import Evidence, evidence_for_member


def red_register_lines(membership: Membership) -> list[Todo]:
    if membership.role != Role.PRIVACY_OFFICER:
        return []
    red = [line for line in evidence_for_member(membership) if not line.ok]
    if not red:
        return []
    url = reverse("register:overview", kwargs={"org_slug": membership.organisation.slug})

    def item(line: Evidence) -> WorkItem:
        return WorkItem(title=str(line.label), url=line.url or url, detail=str(line.value))

    return [todo_group(_("Register lines in red"), url, red, item)]
