"""Sealed recordings for tests: a row made by recording_create, its audio sealed under the day
key of its deadline (what the ingest does), so tests of reads, holds and the purge start from
a sealed call without going through the ingest. And the two orders of a writer naming a key
racing that key's destruction, on two connections (threads)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from organisations.models import Organisation
from recordings.audio_keys import day_key, destroy_key, new_data_key
from recordings.keystore import DirectoryKeyStore
from recordings.models import AudioKey, Recording
from recordings.sealed_storage import store_sealed
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create


def sealed_recording_create(
    *, organisation: Organisation, audio: bytes | None = None, **fields
) -> Recording:
    recording = recording_create(organisation=organisation, audio=audio, **fields)
    storage = audio_storage()
    with storage.open(recording.storage_key, "rb") as handle:
        plain = handle.read()
    storage.delete(recording.storage_key)
    data_key = new_data_key(recording, day_key(organisation, recording.purge_deadline))
    store_sealed(recording, io.BytesIO(plain), data_key=data_key, expected_sha256=recording.sha256)
    recording.save(update_fields=["audio_key", "wrapped_key", "sealing"])
    return recording


def in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list, list]:
    """Runs `target` on a thread (so on a database connection of its own, closed at the end);
    returns the started thread, the errors it raised and the value it returned, once joined."""
    errors, results = [], []

    def run():
        try:
            results.append(target())
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors, results


def destroy_while_writing(key: AudioKey, write: Callable[[], Any]) -> tuple[list, list]:
    """`write` runs in a transaction that stays open while destroy_key(key) is asked on another
    connection, which must wait for it. Returns (what write returned, what destroy_key did)."""
    wrote, go = threading.Event(), threading.Event()

    def writer():
        with transaction.atomic():
            made = write()
            wrote.set()
            assert go.wait(20)
        return made

    writing, writer_errors, made = in_thread(writer)
    assert wrote.wait(20)
    destroying, destroy_errors, destroyed = in_thread(lambda: destroy_key(key))
    time.sleep(1.0)
    assert destroying.is_alive()  # waits for the writer's transaction
    go.set()
    writing.join(30)
    destroying.join(30)
    assert not writer_errors and not destroy_errors, (writer_errors, destroy_errors)
    return made, destroyed


def write_after_destruction(
    key: AudioKey, write: Callable[[], Any], *, writer_waits: bool = False
) -> list:
    """destroy_key(key) runs in a transaction that stays open while `write` runs in a
    transaction of its own on another connection (which, with `writer_waits`, must wait for the
    destruction's commit). Returns what write returned."""
    locked, go = threading.Event(), threading.Event()

    def destroyer():
        with transaction.atomic():
            assert destroy_key(key) is True
            locked.set()
            assert go.wait(20)

    destroying, destroy_errors, _ = in_thread(destroyer)
    assert locked.wait(20)

    def writer():
        with transaction.atomic():
            return write()

    writing, writer_errors, made = in_thread(writer)
    time.sleep(1.0)
    if writer_waits:
        assert writing.is_alive()  # waits for the destruction's commit
    go.set()
    destroying.join(30)
    writing.join(30)
    assert not writer_errors and not destroy_errors, (writer_errors, destroy_errors)
    return made


def key_store_calls(monkeypatch, method: str) -> list[str]:
    """The name of every key DirectoryKeyStore.<method> ("read", "create", ...) is asked for
    from now on, in order; each call still runs."""
    names: list[str] = []
    real = getattr(DirectoryKeyStore, method)

    def recording(store, name):
        names.append(name)
        return real(store, name)

    monkeypatch.setattr(DirectoryKeyStore, method, recording)
    return names
