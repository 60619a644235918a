"""Ingest many calls at once (drop folder, archive import): the same checks as recording_ingest,
at the speed of the disk.

Per batch, instead of three transactions and a chain-head lock per call:
1. probe and hash every file in a thread pool (hashlib and file reads release the GIL);
2. validate the metadata, and refuse duplicates with one query for the whole batch;
3. one transaction inserts the batch's rows as INCOMING (ON CONFLICT DO NOTHING: a call that a
   concurrent ingest claimed first is refused alone, the rest of the batch goes on), each with
   its data key wrapped under its deadline day's key (one DayKeys memo for the batch: one read
   of each day's key);
4. store the audio objects sealed (encrypted while hashed again, in one pass; a file that
   changed since its first hash is refused with "changed_while_reading"), in the thread pool;
5. one transaction marks the stored rows ACTIVE and appends their audit events as one batch
   under one chain-head lock (audit.record_many, as the purge does).
A crash between 3 and 5 leaves INCOMING rows that recordings_sweep_incomplete() removes with
their objects, as for a single ingest; nothing a caller should delete is reported as ingested
before step 5 committed. One bad file refuses only itself: an error in a step that covers the
whole batch that is not an error of the system is retried call by call, so it lands on the one
call that caused it.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

import audit
from organisations.models import Organisation
from recordings import sealed_storage
from recordings.audio_keys import DayKeys, check_writable
from recordings.constants import IngestChannel, RecordingStatus
from recordings.keystore import KeyUnavailable
from recordings.metadata import RecordingMetadataForm, declared_customer_fields
from recordings.models import Recording
from recordings.probe import AudioInfo
from recordings.services import (
    IngestRejected,
    _deadline_after,
    _Metadata,
    _retention,
    ingest_new_recording,
    ingest_probe,
    ingest_validate,
    ingested_detail,
    remove_incomplete,
)
from recordings.signals import recording_stored
from recordings.storage import audio_storage, file_digest

logger = logging.getLogger(__name__)

# Calls per transaction: large enough that the per-transaction costs (commit, chain-head lock,
# queries) vanish per call, small enough that a batch holds the chain-head lock only briefly.
BATCH_SIZE = 200
# Threads that probe, hash and store. Most of their time is spent reading and writing files.
WORKERS = min(8, 2 * (os.cpu_count() or 1))


@dataclass
class IngestItem:
    """One call to ingest: its audio on local disk and its parsed metadata (a dict, as
    recording_metadata_parse returns it).

    `started_at_hint`: see recording_ingest. `resume`: this file was handed to an ingest
    before that may have been cut off (a claim taken back after a crash); an identical live
    call (same call id and same audio) then counts as ingested rather than as a duplicate, and
    an INCOMING leftover of that earlier try is removed before the call is ingested again.
    `ref` is the caller's own, returned untouched in the outcome."""

    source: Path
    metadata: dict[str, Any]
    started_at_hint: datetime | None = None
    resume: bool = False
    ref: Any = None


@dataclass
class IngestOutcome:
    """What became of one item. Exactly one of `recording` and `error` is set.

    `error` is IngestRejected when the call was refused (its `code` and `message` say why and
    nothing was stored), or any other exception that stopped it (nothing was stored either):
    an error of the system (database, storage, disk) to try again later, or a bug the file's
    content triggered. `already`: a resumed item that an earlier try had fully ingested."""

    item: IngestItem
    recording: Recording | None = None
    error: BaseException | None = None
    already: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


class _SharedFields(dict):
    """Form fields that every form of a batch uses as they are: Django deep-copies a form's
    fields for each instance (fifteen fields with their widgets, a fifth of a batch's time),
    while cleaning only reads a field, so one set serves every form, in any thread."""

    def __deepcopy__(self, memo: dict) -> _SharedFields:
        return self


class _BatchMetadataForm(RecordingMetadataForm):
    def _clean_fields(self) -> None:
        # Django's loop makes a BoundField per field (widget, label, HTML name: a third of the
        # cleaning) only to read the value; a batch reads it from the widget directly, as
        # BoundField.data does. (No field of this form is disabled or takes files.)
        for name, form_field in self.fields.items():
            try:
                value = form_field.widget.value_from_datadict(self.data, self.files, name)
                self.cleaned_data[name] = form_field.clean(value)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)


_BatchMetadataForm.base_fields = _SharedFields(copy.deepcopy(RecordingMetadataForm.base_fields))


@dataclass
class _Work:
    item: IngestItem
    outcome: IngestOutcome
    info: AudioInfo | None = None
    sha256: str = ""
    size_bytes: int = 0
    validated: _Metadata | None = None
    recording: Recording | None = None
    # The call's data key between building its row and sealing its audio; never stored.
    data_key: bytes = field(default=b"", repr=False)
    stored_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def fail(self, error: BaseException) -> None:
        self.outcome.error = error


def recordings_ingest_batch(
    *,
    organisation: Organisation,
    items: Sequence[IngestItem],
    channel: IngestChannel,
    actor: Any | None = None,
    executor: ThreadPoolExecutor | None = None,
) -> list[IngestOutcome]:
    """Ingest `items` (one transaction pair for all of them; pass at most BATCH_SIZE) and
    return one outcome per item, in order. Never raises for one item's problem: every
    refusal and error is in its outcome. Call outside a transaction of your own (inside one,
    a failure would leave the caller's transaction unusable)."""
    if executor is None:
        with ThreadPoolExecutor(max_workers=WORKERS) as own:
            return recordings_ingest_batch(
                organisation=organisation, items=items, channel=channel, actor=actor, executor=own
            )
    works = [_Work(item=item, outcome=IngestOutcome(item=item)) for item in items]
    try:
        _ingest(organisation, works, channel, actor, executor)
    except Exception as exc:  # a step that covers the whole batch failed
        pending = [w for w in works if w.outcome.error is None and w.outcome.recording is None]
        if len(pending) > 1 and not _is_system_error(exc):
            # Something in one call broke the batch: call by call, it refuses only itself.
            logger.warning("Ingest batch failed (%s); retrying its calls one by one", exc)
            for work in pending:
                [work.outcome] = recordings_ingest_batch(
                    organisation=organisation,
                    items=[work.item],
                    channel=channel,
                    actor=actor,
                    executor=executor,
                )
        else:
            for work in pending:
                work.fail(exc)
    return [w.outcome for w in works]


def _ingest(
    organisation: Organisation,
    works: list[_Work],
    channel: IngestChannel,
    actor: Any | None,
    executor: ThreadPoolExecutor,
) -> None:
    # 1. Probe and hash, in parallel; nothing is written.
    _each(executor, works, _examine)
    # 2. Validate and refuse duplicates; still nothing written.
    live = [w for w in works if w.outcome.error is None]
    declared = declared_customer_fields(organisation) if live else set()
    for work in live:
        _guard(work, lambda w=work: _validate(organisation, w, declared))
    live = [w for w in live if w.outcome.error is None]
    if not live:
        return
    try:
        retention = _retention(organisation)
    except IngestRejected as refusal:
        for work in live:
            work.fail(refusal)
        return
    _refuse_duplicates(organisation, live)
    day_keys = DayKeys(organisation)
    for work in [w for w in live if w.outcome.error is None and w.outcome.recording is None]:
        _guard(work, lambda w=work: _build(organisation, w, retention, channel, day_keys))
    fresh = [w for w in live if w.recording is not None and w.outcome.error is None]
    if not fresh:
        return
    # 3. Claim the call ids and audio hashes: INCOMING rows, in one statement.
    _insert(fresh)
    inserted = [w for w in fresh if w.outcome.error is None]
    # 4. Store the audio. From here on a failure removes what this batch stored.
    try:
        _each(executor, inserted, _store)
        stored = [w for w in inserted if w.outcome.error is None]
        for work in inserted:
            if work.outcome.error is not None:
                _remove_quietly(work.recording)
        # 5. Live, with the audit events, in one transaction.
        if stored:
            _activate(organisation, stored, channel, actor)
    except BaseException:
        for work in inserted:
            if work.outcome.error is None:
                _remove_quietly(work.recording)
        raise
    for work in stored:
        work.recording.status = RecordingStatus.ACTIVE
        work.recording.storage_key = work.stored_name
        work.recording.started_at_reading = work.validated.start_detail.get(
            "started_at_reading", ""
        )
        work.outcome.recording = work.recording
    for work in stored:
        # The calls are in: a receiver that fails (the broker is down) must not undo that.
        for receiver, result in recording_stored.send_robust(
            sender=Recording, recording=work.recording
        ):
            if isinstance(result, Exception):
                logger.error("recording_stored receiver %r failed: %s", receiver, result)


def _remove_quietly(recording: Recording) -> None:
    """Remove an INCOMING row and its object; when even that fails (the database is gone),
    recordings_sweep_incomplete() removes them later."""
    try:
        remove_incomplete(recording)
    except Exception:
        logger.exception("Could not remove the incomplete recording %s", recording.pk)


def _each(executor: ThreadPoolExecutor, works: list[_Work], step: Callable[[_Work], None]) -> None:
    language = translation.get_language()

    def run(work: _Work) -> None:
        # A refusal's message in the caller's language, not the thread's default.
        with translation.override(language):
            step(work)

    futures = [(work, executor.submit(run, work)) for work in works]
    for work, future in futures:
        error = future.exception()
        if error is not None:
            work.fail(error)


def _guard(work: _Work, step: Callable[[], None]) -> None:
    try:
        step()
    except Exception as exc:
        work.fail(exc)


def _examine(work: _Work) -> None:
    source = Path(work.item.source)
    work.info = ingest_probe(source)
    # Size and hash of the same bytes (a stat apart from the read would not be, review 2).
    work.sha256, work.size_bytes = file_digest(source)


def _validate(organisation: Organisation, work: _Work, declared: set[str]) -> None:
    work.validated = ingest_validate(
        organisation=organisation,
        metadata=work.item.metadata,
        info=work.info,
        started_at_hint=work.item.started_at_hint,
        declared_fields=declared,
        form_class=_BatchMetadataForm,
    )


def _refuse_duplicates(organisation: Organisation, works: list[_Work]) -> None:
    """Refuse calls whose id or audio is live already, or earlier in this batch, with one
    query. A resumed call that is live already, same id and same audio, counts as ingested;
    an INCOMING leftover of its interrupted try is removed so that it is ingested again."""
    call_ids = {w.validated.fields["call_id"] for w in works}
    hashes = {w.sha256 for w in works}
    existing = list(
        Recording.objects.filter(organisation=organisation)
        .exclude(status=RecordingStatus.PURGED)
        .filter(Q(call_id__in=call_ids) | Q(sha256__in=hashes))
    )
    by_call = {r.call_id: r for r in existing}
    by_hash = {r.sha256: r for r in existing}
    seen_calls: set[str] = set()
    seen_hashes: set[str] = set()
    for work in works:
        call_id = work.validated.fields["call_id"]
        same = by_call.get(call_id)
        if work.item.resume and same is not None and same.sha256 == work.sha256:
            if same.status == RecordingStatus.INCOMING:
                remove_incomplete(same)
                del by_call[call_id]
                by_hash.pop(work.sha256, None)
            elif not audio_storage().exists(same.storage_key):
                # Live without its audio: not ingested, whatever the row says. Refused, so the
                # file stays (rejected/, with the reason) for someone to look at.
                work.fail(
                    IngestRejected(
                        "duplicate_call",
                        _("Call %(call_id)s is in Earshot without its audio.")
                        % {"call_id": call_id},
                    )
                )
                continue
            else:
                work.outcome.recording = same
                work.outcome.already = True
                seen_calls.add(call_id)
                seen_hashes.add(work.sha256)
                continue
        if call_id in by_call or call_id in seen_calls:
            work.fail(
                IngestRejected(
                    "duplicate_call",
                    _("Call %(call_id)s is already in Earshot.") % {"call_id": call_id},
                )
            )
        elif work.sha256 in by_hash or work.sha256 in seen_hashes:
            work.fail(
                IngestRejected(
                    "duplicate_audio",
                    _("The same audio is already in Earshot under another call id."),
                )
            )
        else:
            seen_calls.add(call_id)
            seen_hashes.add(work.sha256)


def _build(
    organisation: Organisation,
    work: _Work,
    retention: timedelta,
    channel: IngestChannel,
    day_keys: DayKeys,
) -> None:
    deadline = _deadline_after(retention, work.validated.fields["started_at"])
    work.recording, work.data_key = ingest_new_recording(
        organisation=organisation,
        info=work.info,
        sha256=work.sha256,
        size_bytes=work.size_bytes,
        validated=work.validated,
        deadline=deadline,
        retention_days=retention.days,
        channel=channel,
        day_keys=day_keys,
    )
    # bulk_create does not call save(), which sets the search digests.
    work.recording.set_identifier_digests()


def _insert(works: list[_Work]) -> None:
    """Insert the rows INCOMING; a call that a concurrent ingest claimed first (its id or
    audio, between our duplicate check and now) is refused alone."""
    with transaction.atomic():
        # The day keys the rows name, locked FOR KEY SHARE first (the foreign key's own lock
        # comes only at COMMIT): a purge destroying one now waits and then sees it in use, or
        # came first and this raises KeyUnavailable, an error of the system (tried again later).
        check_writable({w.recording.audio_key_id for w in works})
        Recording.objects.bulk_create([w.recording for w in works], ignore_conflicts=True)
    present = set(
        Recording.objects.filter(pk__in=[w.recording.pk for w in works]).values_list(
            "pk", flat=True
        )
    )
    for work in works:
        if work.recording.pk not in present:
            work.fail(IngestRejected("duplicate_call", _("This call is already being stored.")))


def _store(work: _Work) -> None:
    try:
        work.stored_name = sealed_storage.store_sealed(
            work.recording,
            Path(work.item.source),
            data_key=work.data_key,
            expected_sha256=work.sha256,
            expected_size=work.size_bytes,
        )
    finally:
        work.data_key = b""  # sealed or not, it is not needed again


def _activate(
    organisation: Organisation, works: list[_Work], channel: IngestChannel, actor: Any | None
) -> None:
    with transaction.atomic():
        # Still ours? The hourly sweep of stale INCOMING rows (a batch stored for over an hour)
        # or a scan resuming this claim may have removed a row and its object meanwhile; making
        # the others live and calling those ingested would lose them while the trail says
        # stored. Then nothing of the batch goes live, and the files wait for the next try.
        ids = [w.recording.pk for w in works]
        ours = set(
            Recording.objects.select_for_update()
            .filter(pk__in=ids, status=RecordingStatus.INCOMING)
            .values_list("pk", flat=True)
        )
        if len(ours) != len(ids):
            raise IngestRowsVanished(
                f"{len(ids) - len(ours)} of the batch's incoming rows were removed meanwhile"
            )
        renamed = [w for w in works if w.stored_name != w.recording.storage_key]
        Recording.objects.filter(pk__in=[w.recording.pk for w in works if w not in renamed]).update(
            status=RecordingStatus.ACTIVE
        )
        for work in renamed:  # the storage chose another name (never for a fresh random key)
            Recording.objects.filter(pk=work.recording.pk).update(
                status=RecordingStatus.ACTIVE, storage_key=work.stored_name
            )
        # Last, so the chain-head lock is held only until the commit that follows.
        audit.record_many(
            actor=actor,
            action="recordings.recording.ingested",
            organisation=organisation,
            entries=[
                (
                    w.recording,
                    ingested_detail(channel=channel, recording=w.recording, validated=w.validated),
                )
                for w in works
            ],
        )


class IngestRowsVanished(OperationalError):
    """A batch's INCOMING rows were removed before it could make them live: an error of the
    system (no file's fault), so the files are tried again later."""


def _is_system_error(exc: BaseException) -> bool:
    # Worth no retry call by call: every call would fail the same way. A key store that
    # cannot be read or written is the system's fault, never a call's.
    return isinstance(exc, OperationalError | InterfaceError | OSError | KeyUnavailable)


__all__ = ["BATCH_SIZE", "IngestItem", "IngestOutcome", "recordings_ingest_batch"]
