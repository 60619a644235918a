"""The setup checklist on the organisation administrator's dashboard: what a new organisation
still needs before its first call is heard and purged, computed from live data.

organisations/ is the lowest app, so the apps that own the data (register, access,
recordings, retention) register a provider in AppConfig.ready(), as they do for the register's
evidence; this module never imports them. Members and employees are this app's own item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.constants import Role
from organisations.models import Organisation


@dataclass(frozen=True)
class ChecklistItem:
    order: int  # the place in the list, whatever order the providers registered in
    label: str
    done: bool
    detail: str
    url: str


Provider = Callable[[Organisation], Iterable[ChecklistItem]]
_providers: list[Provider] = []


def checklist_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def checklist_for(*, organisation: Organisation) -> list[ChecklistItem]:
    items = [item for provider in [people_item, *_providers] for item in provider(organisation)]
    return sorted(items, key=lambda item: item.order)


def people_item(organisation: Organisation) -> list[ChecklistItem]:
    active = organisation.memberships.filter(active=True)
    members = active.count()
    others = active.exclude(role=Role.ADMINISTRATOR).exists()
    employees = organisation.employees.filter(active=True).count()
    detail = " ".join(
        [
            ngettext("%(count)d member,", "%(count)d members,", members) % {"count": members},
            ngettext("%(count)d employee.", "%(count)d employees.", employees)
            % {"count": employees},
        ]
    )
    return [
        ChecklistItem(
            order=40,
            label=_("Members and employees"),
            done=others and employees > 0,
            detail=detail,
            url=reverse(
                "organisations:employees" if others else "organisations:members",
                kwargs={"org_slug": organisation.slug},
            ),
        )
    ]
