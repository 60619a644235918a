"""A backup taken before the deadline, restored after the day's key was destroyed, gives back
not one byte of audio, whatever Earshot has (issue 19).

Real calls are ingested through the ingest service; the backup is a copy of the audio storage
folder and a pg_dump of the database (committed data: a transactional test), restored into a
database of its own. Before the key is destroyed the very same copy is readable (so this test
can fail); after, every wrapped data key in the restored rows is tried with every key file left
in the key store, raw and decoded, and with keys derived from Earshot's secrets, and every
sealed object with each of them as its data key: all fail. No 32-byte piece of any call's audio
is in any copied object or in the dump, and the gate says why: the key was destroyed."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import shutil
import subprocess
import wave
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import psycopg
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection
from django.utils import timezone

from access.tests.conftest import register_for
from recordings import audio_keys, sealed, sealed_storage
from recordings.constants import AudioKeyKind, IngestChannel, RecordingStatus
from recordings.keystore import decode_key_file, key_store
from recordings.models import AudioKey, Recording
from recordings.services import recording_ingest
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db(transaction=True)

WINDOW = 32


def random_wav(path: Path, *, seconds: float, seed: int) -> bytes:
    """A WAV of noise: no run of its bytes repeats, so a piece found elsewhere is a leak."""
    rate = 8000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(random.Random(seed).randbytes(int(seconds * rate) * 2))
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def audio_location() -> Path:
    return Path(settings.STORAGES["audio"]["OPTIONS"]["location"])


def _pg(database: str) -> dict:
    db = connection.settings_dict
    return {
        "dbname": database,
        "host": db["HOST"] or "127.0.0.1",
        "port": str(db["PORT"] or 5432),
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
    }


def _env() -> dict:
    env = dict(os.environ)
    if connection.settings_dict["PASSWORD"]:
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    return env


def _args(params: dict) -> list[str]:
    return ["-h", params["host"], "-p", params["port"], "-U", params["user"]]


def backup(into: Path) -> tuple[Path, Path]:
    """The operator's backup: the audio storage folder copied, the database dumped."""
    audio = into / "audio"
    shutil.copytree(audio_location(), audio)
    dump = into / "earshot.sql"
    params = _pg(connection.settings_dict["NAME"])
    subprocess.run(
        ["pg_dump", *_args(params), "--no-owner", "-f", str(dump), params["dbname"]],
        check=True,
        env=_env(),
    )
    return audio, dump


def restored_rows(dump: Path) -> tuple[list[dict], dict]:
    """Restore the dump into a database of its own and read what a recovery would use: every
    recording with its storage key and wrapped data key, and every audio key row."""
    params = _pg(connection.settings_dict["NAME"] + "_restore")
    name, args = params["dbname"], _args(params)
    subprocess.run(["dropdb", *args, "--if-exists", name], check=True, env=_env())
    subprocess.run(["createdb", *args, name], check=True, env=_env())
    try:
        subprocess.run(
            ["psql", *args, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump), name],
            check=True,
            env=_env(),
            stdout=subprocess.DEVNULL,
        )
        with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as db:
            cursor = db.execute(
                "SELECT id, organisation_id, storage_key, wrapped_key, audio_key_id, sealing,"
                " status FROM recordings_recording"
            )
            columns = [c.name for c in cursor.description]
            recordings = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            cursor = db.execute(
                "SELECT id, organisation_id, kind, day, hold_ref, destroyed_at"
                " FROM recordings_audiokey"
            )
            columns = [c.name for c in cursor.description]
            keys = {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", name], check=True, env=_env())
    return recordings, keys


def as_recording(row: dict, key_row: dict | None, *, live_key: bool) -> Recording:
    """A restored row as the gate would read it: with the audio key's row of the live
    database (the object store restored) or of the backup (everything restored)."""
    recording = Recording(
        id=row["id"],
        organisation_id=row["organisation_id"],
        storage_key=row["storage_key"],
        wrapped_key=bytes(row["wrapped_key"]) if row["wrapped_key"] is not None else None,
        audio_key_id=row["audio_key_id"],
        sealing=row["sealing"],
    )
    if live_key:
        recording.audio_key = AudioKey.objects.get(pk=row["audio_key_id"])
    else:
        recording.audio_key = AudioKey(**key_row)
    return recording


def candidate_keys() -> list[bytes]:
    """Every 32 bytes Earshot has that could be a key: each key file in the key store, decoded
    and as raw windows of the file, and keys derived from its secrets."""
    store = key_store()
    root = Path(settings.AUDIO_KEY_DIR)
    candidates = []
    for name in store.names():
        candidates.append(store.read(name))
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            candidates += [data[i : i + 32] for i in range(0, max(1, len(data) - 31))]
            with contextlib.suppress(Exception):  # a leftover that is not a key file
                candidates.append(decode_key_file(str(path.relative_to(root)), data))
    for secret in (settings.SECRET_KEY, getattr(settings, "IDENTIFIER_KEY", "")):
        raw = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
        candidates += [
            hashlib.sha256(raw).digest(),
            raw[:32].ljust(32, b"\0"),
            hashlib.pbkdf2_hmac("sha256", raw, b"earshot-audio", 1000),
        ]
    return [c for c in candidates if len(c) == 32]


def windows(data: bytes) -> set[bytes]:
    return {data[i : i + WINDOW] for i in range(len(data) - WINDOW + 1)}


def leaked(plain_windows: set[bytes], blob: bytes) -> bool:
    return any(blob[i : i + WINDOW] in plain_windows for i in range(len(blob) - WINDOW + 1))


def test_a_backup_restored_after_the_days_key_was_destroyed_gives_back_no_audio(cast, tmp_path):
    org = cast.organisation
    register_for(org, retention_days=28)
    today = timezone.now().astimezone(UTC).date()
    started = datetime.combine(today - timedelta(days=2), time(10), UTC)
    plaintexts: dict = {}
    for n in range(3):  # three calls of one deadline day, the second one over several segments
        source = tmp_path / f"call-{n}.wav"
        audio = random_wav(source, seconds=(5 if n == 1 else 1.5), seed=100 + n)
        call = recording_ingest(
            organisation=org,
            source=source,
            metadata={
                "call_id": f"pbx-{n}",
                "started_at": (started + timedelta(minutes=n)).isoformat(),
                "direction": "inbound",
            },
            channel=IngestChannel.API,
        )
        plaintexts[call.pk] = audio
    later_source = tmp_path / "later.wav"
    later_audio = random_wav(later_source, seconds=1, seed=999)
    later = recording_ingest(  # a call of the next day: its key must stay
        organisation=org,
        source=later_source,
        metadata={
            "call_id": "pbx-later",
            "started_at": (started + timedelta(days=1)).isoformat(),
            "direction": "inbound",
        },
        channel=IngestChannel.API,
    )
    calls = list(Recording.objects.filter(pk__in=plaintexts))
    day_key = calls[0].audio_key
    assert {c.audio_key_id for c in calls} == {day_key.pk} and day_key.kind == AudioKeyKind.DAY
    assert later.audio_key_id != day_key.pk
    deadline_day = day_key.day
    for call in calls:
        assert call.sealing == "v1"
        stored = (audio_location() / call.storage_key).read_bytes()
        assert stored.startswith(sealed.MAGIC) and stored != plaintexts[call.pk]
        assert sealed_storage.read_range(call, 0, len(plaintexts[call.pk])) == plaintexts[call.pk]

    # The operator's backup, before the deadline.
    audio_copy, dump = backup(tmp_path / "backup")
    rows, key_rows = restored_rows(dump)
    restored = [r for r in rows if r["id"] in plaintexts]
    assert len(restored) == 3 and all(r["wrapped_key"] for r in restored)

    # With the key still in the key store the very same copy is readable: the test can fail.
    for row in restored:
        recording = as_recording(row, key_rows[row["audio_key_id"]], live_key=False)
        with open(audio_copy / row["storage_key"], "rb") as handle:
            data_key = AESGCM(key_store().read(audio_keys.key_name(recording.audio_key))).decrypt(
                bytes(row["wrapped_key"])[:12],
                bytes(row["wrapped_key"])[12:],
                sealed_storage.recording_context(recording),
            )
            plain = b"".join(
                sealed.iter_plain(handle, data_key, sealed_storage.recording_context(recording))
            )
        assert plain == plaintexts[row["id"]]

    # Past the deadline: the purge erases the day's calls and destroys the day's key.
    after = datetime.combine(deadline_day + timedelta(days=1), time(0, 30), UTC)
    run = purge_organisation(org, now=after)
    assert run.purged == 3 and run.keys_destroyed == 1, run.error
    day_key.refresh_from_db()
    assert day_key.destroyed_at is not None
    assert not key_store().exists(audio_keys.key_name(day_key))
    later.refresh_from_db()
    assert later.status == RecordingStatus.ACTIVE and later.audio_key.destroyed_at is None

    # Restore the copy: the objects come back, and so do the rows of the dump.
    shutil.copytree(audio_copy, audio_location(), dirs_exist_ok=True)
    rows, key_rows = restored_rows(dump)
    restored = [r for r in rows if r["id"] in plaintexts]
    assert len(restored) == 3

    candidates = candidate_keys()
    assert candidates  # the later day's key is still there, among others
    for row in restored:
        recording = as_recording(row, key_rows[row["audio_key_id"]], live_key=True)
        context = sealed_storage.recording_context(recording)
        wrapped = bytes(row["wrapped_key"])
        sealed_bytes = (audio_location() / row["storage_key"]).read_bytes()
        for candidate in candidates:
            with pytest.raises(InvalidTag):
                AESGCM(candidate).decrypt(wrapped[:12], wrapped[12:], context)
            with pytest.raises(sealed.SealedAudioError):
                sealed.read_range(io.BytesIO(sealed_bytes), candidate, context, 0, 16)
        # The gate says why: with the live database's key row, destroyed; with the backup's
        # own row, the key file is simply not there. Never a byte.
        with pytest.raises(sealed_storage.AudioUnreadable) as refused:
            sealed_storage.read_range(recording, 0, 16)
        assert refused.value.reason == "key_destroyed"
        assert sealed_storage.readable(recording) == "key_destroyed"
        from_backup = as_recording(row, key_rows[row["audio_key_id"]], live_key=False)
        assert from_backup.audio_key.destroyed_at is None  # the backup does not know
        with pytest.raises(sealed_storage.AudioUnreadable) as refused:
            sealed_storage.read_range(from_backup, 0, 16)
        assert refused.value.reason == "key_missing"

    # The next day's call in the same backup is still readable with its key: the candidates
    # are real keys, and only the destroyed day is gone.
    later_row = next(r for r in rows if r["id"] == later.pk)
    later_copy = as_recording(later_row, None, live_key=True)
    assert sealed_storage.read_range(later_copy, 0, len(later_audio)) == later_audio

    # No piece of any erased call's audio is anywhere in the copy: objects and dump.
    plain_windows = set().union(*(windows(p) for p in plaintexts.values()))
    hex_windows = {w.hex().encode() for w in plain_windows}
    for path in audio_copy.rglob("*"):
        if path.is_file():
            assert not leaked(plain_windows, path.read_bytes()), path
    dump_bytes = dump.read_bytes()
    assert not leaked(plain_windows, dump_bytes)
    span = 2 * WINDOW
    assert not any(
        dump_bytes[i : i + span] in hex_windows for i in range(len(dump_bytes) - span + 1)
    )
