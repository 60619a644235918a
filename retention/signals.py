"""A call stored so late that its deadline falls before the next scheduled purge is erased by
a purge queued now, not up to an hour (or, on another schedule, longer) after its deadline."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from retention.schedule import purge_horizon

# At most one queued purge per organisation in this many seconds: a drop folder full of old
# calls needs one purge, not one per file.
QUEUE_AT_MOST_EVERY = 60


def purge_if_due_before_next_run(sender, recording, **kwargs) -> None:
    if recording.purge_deadline > purge_horizon(timezone.now()):
        return
    slug = recording.organisation.slug
    if cache.add(f"retention:purge-soon:{slug}", 1, QUEUE_AT_MOST_EVERY):
        from retention.tasks import purge_organisation_task

        transaction.on_commit(lambda: purge_organisation_task.delay(slug))
