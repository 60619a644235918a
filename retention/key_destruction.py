"""Destroying the keys whose calls are all gone: the step of the purge that reaches the backups.

Every call's data key is stored only wrapped under a key of its deadline day (or, while a
legal hold suspends its erasure, under a key of that hold; recordings/audio_keys.py). Once a
day has fully ended (its next midnight, UTC, has passed), or lies beyond any deadline a call
can still get (today + the longest retention + 1 day: the keys of old deadlines after a
shortened retention), and no live call refers to its key any more, the key is destroyed:
its file is overwritten, unlinked and confirmed gone, then the row says when. From then on
every copy of those calls, in every backup of the database and of the object store, is
unreadable. A hold's key goes the same way once the hold no longer suspends
erasure and its calls were wrapped back or erased.

One query finds the candidates (the unused check is an EXISTS on the live-only index of
Recording.audio_key), and each key is one file operation and a couple of statements, however
many calls it covered. `audio_keys.destroy_key` checks again under the key row's lock, and
every writer locks the key row it names first (audio_keys.lock_for_writing), so a call wrapped
under a key while this runs either keeps the key or is wrapped under a new one.

A key that cannot be destroyed (the key store's volume fails) does not fail the purge: it is
logged, counted on the run and tried again by the next run; the register's evidence shows the
key as still present past its day meanwhile."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from organisations.models import Organisation
from recordings import audio_keys
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.key_sweep import destroy_strays
from recordings.keystore import KeyUnavailable
from recordings.models import LIVE, AudioKey, Recording
from register.constants import DataCategory
from register.selectors import retention_for_category
from retention.holds import SUSPENDING
from retention.models import LegalHold

logger = logging.getLogger(__name__)


@dataclass
class KeyDestruction:
    destroyed: list[AudioKey] = field(default_factory=list)
    failed: list[tuple[AudioKey, str]] = field(default_factory=list)  # (key, error)
    strays: list[str] = field(default_factory=list)  # key files without a row, destroyed


def suspending_hold_refs(organisation: Organisation) -> list[str]:
    """hold_ref of every hold of the organisation that still suspends erasure (str of its id)."""
    ids = LegalHold.objects.filter(organisation=organisation, status__in=SUSPENDING).values_list(
        "pk", flat=True
    )
    return [str(pk) for pk in ids]


def longest_retention_days(organisation: Organisation) -> int:
    """The longest retention a call of the organisation can have from today on: the declared
    period for recordings (whole days, rounded up) and the retention applied to any live call
    (a held call goes back under the day key of its own deadline on release), the larger."""
    period = retention_for_category(organisation=organisation, category=DataCategory.RECORDING)
    declared = 0
    if period is not None:
        declared = period.days + (1 if period.seconds or period.microseconds else 0)

    # One statement; each part reads the last entry of (organisation, status) in the index on
    # (organisation, status, retention_days), not the calls.
    def longest_of(status: str) -> Coalesce:
        calls = Recording.objects.filter(organisation=organisation, status=status)
        return Coalesce(Subquery(calls.order_by("-retention_days").values("retention_days")[:1]), 0)

    live = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            longest=Greatest(
                longest_of(RecordingStatus.ACTIVE),
                longest_of(RecordingStatus.HELD),
                longest_of(RecordingStatus.INCOMING),
            )
        )
        .values_list("longest", flat=True)
        .get()
    )
    return max(declared, live or 0)


def last_usable_day(organisation: Organisation, *, now: datetime) -> date:
    """The last UTC day whose key a call may still be wrapped under: today plus the longest
    retention plus one day (a start up to minutes in the future, a day's rounding). No ingest,
    release or retention change can wrap a call under a later day's key, so such a key that no
    live call uses may go at once: after a shortening, the keys of the old (later) deadlines
    go with the purge that the change triggers, and a backup taken before the change, which
    holds the calls' keys wrapped under those days, is unreadable from then on."""
    today = now.astimezone(UTC).date()
    return today + timedelta(days=longest_retention_days(organisation) + 1)


def spent_keys(organisation: Organisation, *, now: datetime) -> QuerySet[AudioKey]:
    """The organisation's keys that may go, when no live call uses them: day keys of a day that
    has fully ended (day + 1 at 00:00 UTC <= now) or that lies beyond the last usable day
    (last_usable_day), and keys of holds that no longer suspend."""
    today = now.astimezone(UTC).date()
    in_use = Recording.objects.filter(LIVE, audio_key=OuterRef("pk"))
    return (
        AudioKey.objects.filter(organisation=organisation, destroyed_at__isnull=True)
        .filter(
            Q(kind=AudioKeyKind.DAY, day__lt=today)
            | Q(kind=AudioKeyKind.DAY, day__gt=last_usable_day(organisation, now=now))
            | (Q(kind=AudioKeyKind.HOLD) & ~Q(hold_ref__in=suspending_hold_refs(organisation)))
        )
        .exclude(Exists(in_use))
        .order_by("kind", "day", "created_at")
    )


def destroy_spent_keys_reporting(organisation: Organisation, *, now: datetime) -> KeyDestruction:
    """Destroy every spent key; a key whose file will not go is logged and left for the next
    run (its row stays live, so the next run finds it again)."""
    done = KeyDestruction()
    for key in spent_keys(organisation, now=now):
        try:
            if audio_keys.destroy_key(key):
                done.destroyed.append(key)
        except (OSError, KeyUnavailable) as error:  # KeyUnavailable: the store is not mounted
            message = f"{type(error).__name__}: {error}"[:300]
            logger.error(
                "purge %s: audio key %s (%s) not destroyed, retried next run: %s",
                organisation.slug,
                key.pk,
                key,
                message,
            )
            done.failed.append((key, message))
    # Key files no row stands for (their transaction rolled back): recordings/key_sweep.py.
    try:
        done.strays = destroy_strays(organisation.pk)
    except (OSError, KeyUnavailable) as error:
        logger.error("purge %s: stray key files not destroyed: %s", organisation.slug, error)
    if done.strays:
        logger.warning(
            "purge %s: destroyed %d key file(s) without a row", organisation.slug, len(done.strays)
        )
    return done


def destroy_spent_keys(organisation: Organisation, *, now: datetime) -> list[AudioKey]:
    """The keys destroyed now (see the module's text). Errors are logged, not raised."""
    return destroy_spent_keys_reporting(organisation, now=now).destroyed
