"""Reads of recordings for people: only what access/ lets them see, newest first, keyset."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404

from access.policy import recordings_visible_to
from organisations.models import Membership
from recordings.models import Recording

PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    started_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        """Microseconds since the epoch and the id: nothing a URL needs to escape."""
        micros = (self.started_at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}_{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        """A malformed cursor means the first page: it can only ever narrow the user's list."""
        try:
            micros, ident = value.split("_", 1)
            return cls(EPOCH + timedelta(microseconds=int(micros)), uuid.UUID(ident))
        except (ValueError, OverflowError):
            return None


def recording_get_for_user(*, membership: Membership, recording_id: uuid.UUID) -> Recording:
    """The recording if this member may see it; 404 for everyone else."""
    try:
        return (
            recordings_visible_to(membership=membership)
            .select_related("employee__team")
            .get(pk=recording_id)
        )
    except Recording.DoesNotExist:
        raise Http404("No such recording.") from None


def recordings_page(
    *, membership: Membership, filters: dict, cursor: Cursor | None, page_size: int = PAGE_SIZE
) -> tuple[list[Recording], Cursor | None]:
    """One page of the list: (rows, cursor of the next page). No COUNT, one query."""
    recordings: QuerySet[Recording] = recordings_visible_to(membership=membership)
    if filters.get("date_from"):
        recordings = recordings.filter(started_at__gte=filters["date_from"])
    if filters.get("date_to"):
        recordings = recordings.filter(started_at__lt=filters["date_to"])
    for field in ("employee", "queue", "direction", "customer_phone", "status"):
        if filters.get(field):
            recordings = recordings.filter(**{field: filters[field]})
    if filters.get("team"):
        recordings = recordings.filter(employee__team=filters["team"])
    if cursor is not None:
        # started_at <= x lets PostgreSQL start the index scan at the cursor; the exclude
        # drops the rows of that same instant already shown.
        recordings = recordings.filter(started_at__lte=cursor.started_at).exclude(
            started_at=cursor.started_at, id__gte=cursor.id
        )
    rows = list(
        recordings.select_related("employee")
        .only(
            "id",
            "call_id",
            "started_at",
            "duration_seconds",
            "direction",
            "queue",
            "customer_phone",
            "status",
            "purge_deadline",
            "employee__name",
        )
        .order_by("-started_at", "-id")[: page_size + 1]
    )
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = Cursor(rows[-1].started_at, rows[-1].id)
    return rows, next_cursor
