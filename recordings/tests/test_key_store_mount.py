"""The key store's marker (review 2 of issue 19, finding 1): a key volume that is not mounted
(an empty mount point, or no folder) is an error of the system, never a fresh store. No key is
made on the wrong file system, no live key is marked destroyed and replaced, no call is
accepted and no plaintext is deleted. Only an installation without any key row initialises the
store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from access.tests.conftest import register_for
from recordings import audio_keys, sealed_storage
from recordings.checks import key_store_mounted
from recordings.constants import IngestChannel
from recordings.ingest_batch import IngestItem, recordings_ingest_batch
from recordings.keystore import MARKER, DirectoryKeyStore, KeyUnavailable, key_store
from recordings.models import AudioKey, Recording
from recordings.storage import audio_storage
from recordings.tests.audio import make_wav

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org(cast):
    register_for(cast.organisation)
    return cast.organisation


def _call(folder: Path, stem: str) -> tuple[Path, dict]:
    audio = make_wav(folder / f"{stem}.wav", seconds=1.0)
    started = timezone.now() - timedelta(hours=1)
    return audio, {"call_id": stem, "started_at": started.isoformat(), "direction": "inbound"}


def _unmount(settings, tmp_path) -> Path:
    """The key volume is not mounted: EARSHOT_KEY_DIR is an empty mount point."""
    mount_point = tmp_path / "not-mounted" / "keys"
    mount_point.mkdir(parents=True)
    settings.AUDIO_KEY_DIR = mount_point
    return mount_point


def test_an_unmounted_key_volume_refuses_the_call_as_an_error_of_the_system(
    org, tmp_path, settings
):
    earlier = audio_keys.day_key(org, timezone.now() + timedelta(days=2))  # the store is in use
    mount_point = _unmount(settings, tmp_path)
    audio, meta = _call(tmp_path, "lost-1")

    [outcome] = recordings_ingest_batch(
        organisation=org,
        items=[IngestItem(source=audio, metadata=meta)],
        channel=IngestChannel.DROP_FOLDER,
    )

    assert not outcome.ok
    assert isinstance(outcome.error, KeyUnavailable) and "volume mounted" in str(outcome.error)
    assert not Recording.objects.exists()
    assert list(mount_point.iterdir()) == []  # nothing made on the wrong file system
    assert AudioKey.objects.get().pk == earlier.pk  # no key made, none marked destroyed
    assert AudioKey.objects.get().destroyed_at is None
    assert audio.exists()


def test_a_live_key_is_never_replaced_while_the_volume_is_away(org, tmp_path, settings):
    deadline = timezone.now() + timedelta(days=28)
    key = audio_keys.day_key(org, deadline)  # live, used by no call yet
    _unmount(settings, tmp_path)
    with pytest.raises(KeyUnavailable):
        audio_keys.day_key(org, deadline)
    key.refresh_from_db()
    assert key.destroyed_at is None and AudioKey.objects.count() == 1


def test_the_sealing_migration_stops_and_deletes_nothing(org, tmp_path, settings):
    from recordings.seal_existing import seal_existing
    from recordings.tests.factories import recording_create

    settings.AUDIO_SEAL_GRACE_SECONDS = 0
    call = recording_create(organisation=org)  # plaintext, from before issue 19
    audio_keys.day_key(org, timezone.now() + timedelta(days=2))
    _unmount(settings, tmp_path)

    with pytest.raises(KeyUnavailable):
        seal_existing(organisation=org)

    call.refresh_from_db()
    assert call.sealing == ""
    assert audio_storage().exists(call.storage_key)
    assert sealed_storage.readable(call) is None


def test_the_purge_does_not_destroy_keys_on_an_unmounted_volume(org, tmp_path, settings):
    from retention.key_destruction import destroy_spent_keys_reporting

    key = audio_keys.day_key(org, timezone.now() - timedelta(days=3))  # spent, unused
    _unmount(settings, tmp_path)
    done = destroy_spent_keys_reporting(org, now=timezone.now())
    assert done.destroyed == [] and [k.pk for k, _message in done.failed] == [key.pk]
    key.refresh_from_db()
    assert key.destroyed_at is None


def test_a_fresh_installation_initialises_its_key_store(org, tmp_path, settings):
    root = tmp_path / "fresh" / "keys"
    settings.AUDIO_KEY_DIR = root
    assert not AudioKey.objects.exists()
    assert key_store_mounted() == []  # no key row: nothing missing
    key = audio_keys.day_key(org, timezone.now() + timedelta(days=28))
    assert (root / MARKER).is_file()
    assert key_store().exists(audio_keys.key_name(key))
    assert DirectoryKeyStore(root).initialised()


def test_the_system_check_is_an_error_when_keys_exist_and_the_marker_does_not(
    org, tmp_path, settings
):
    assert key_store_mounted() == []
    audio_keys.day_key(org, timezone.now() + timedelta(days=28))
    assert key_store_mounted() == []
    _unmount(settings, tmp_path)
    errors = key_store_mounted()
    assert [e.id for e in errors] == ["recordings.E001"] and MARKER in errors[0].msg
    settings.AUDIO_KEY_DIR = tmp_path / "no-folder-at-all"
    assert [e.id for e in key_store_mounted()] == ["recordings.E001"]
    call_command("check", "--fail-level", "CRITICAL")  # still runs (an Error is reported)


def test_sweep_keys_says_the_store_is_not_there(org, tmp_path, settings):
    from django.core.management.base import CommandError

    audio_keys.day_key(org, timezone.now() + timedelta(days=28))
    _unmount(settings, tmp_path)
    with pytest.raises(CommandError, match="volume mounted") as caught:
        call_command("sweep_keys")
    assert caught.value.returncode == 1
