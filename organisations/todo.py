"""What waits for a member: the dashboard is that member's work list. organisations/ is the
lowest app, so the apps that know what waits (access, coaching, retention, …) register a
provider in AppConfig.ready().

A provider returns Todo groups ("Requests waiting for your decision: 3"), each with the first
few items themselves, so the dashboard lists the work and links straight to it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import QuerySet
from django.utils import timezone

from organisations.models import Membership

T = TypeVar("T")

#: How many items of one group the dashboard lists before "all N".
ITEMS_SHOWN = 5


@dataclass(frozen=True)
class WorkItem:
    """One thing to do: a line on the dashboard that opens the page where it is done."""

    title: str
    url: str
    #: When it must be done (a request's expiry, an audio deadline, a legal deadline).
    deadline: datetime.datetime | datetime.date | None = None
    #: A short second line: who asked, which call, which team.
    detail: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.deadline, datetime.datetime)

    @property
    def overdue(self) -> bool:
        if self.deadline is None:
            return False
        if isinstance(self.deadline, datetime.datetime):
            return self.deadline < timezone.now()
        return self.deadline < timezone.localdate()


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    #: The first items of this group (ITEMS_SHOWN at most), soonest deadline first.
    items: Sequence[WorkItem] = field(default_factory=tuple)


Provider = Callable[[Membership], Iterable[Todo]]
_providers: list[Provider] = []


def person(user) -> str:
    """How a colleague is named in a work item: full name, else the sign-in name."""
    return (user.get_full_name() or "").strip() or user.get_username()


def todo_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def _deadline_key(item: WorkItem) -> tuple[int, datetime.datetime]:
    deadline = item.deadline
    if deadline is None:
        return (1, datetime.datetime.max.replace(tzinfo=datetime.UTC))
    if not isinstance(deadline, datetime.datetime):
        deadline = datetime.datetime.combine(deadline, datetime.time.max, tzinfo=datetime.UTC)
    return (0, deadline)


def by_deadline(items: Iterable[WorkItem]) -> list[WorkItem]:
    """Soonest deadline first; items without a deadline last, in their given order."""
    return sorted(items, key=_deadline_key)


def todo_group(
    label: str,
    url: str,
    rows: Iterable[T],
    item: Callable[[T], WorkItem],
    count: int | None = None,
) -> Todo:
    """A group from its rows: a queryset ordered soonest deadline first (counted, and cut at
    ITEMS_SHOWN, in the database), every row as a list, or the first rows of a list with the
    count given. The items are the soonest ITEMS_SHOWN."""
    if isinstance(rows, QuerySet) and count is None:
        count = rows.count()
        rows = rows[:ITEMS_SHOWN] if count else []
    rows = list(rows)
    items = by_deadline(item(row) for row in rows)[:ITEMS_SHOWN]
    return Todo(label, len(rows) if count is None else count, url, tuple(items))


def todos_for(membership: Membership) -> list[Todo]:
    """Every non-empty group for this member, the group with the soonest deadline first."""
    todos = [todo for provider in _providers for todo in provider(membership) if todo.count]
    return sorted(
        todos,
        key=lambda todo: min((_deadline_key(item) for item in todo.items), default=(2,)),
    )
