"""System checks of the key store's place and permissions (review of issue 19, finding 10)."""

from __future__ import annotations

import os

import pytest

from recordings import checks as key_checks
from recordings.checks import key_store_beside_audio, key_store_permissions


@pytest.fixture
def var_layout(settings, tmp_path):
    """The embedded default: EARSHOT_VAR_DIR/keys beside EARSHOT_VAR_DIR/audio."""
    settings.DEBUG = False
    settings.VAR_DIR = tmp_path
    settings.AUDIO_KEY_DIR = tmp_path / "keys"
    audio = dict(settings.STORAGES["audio"])
    audio["OPTIONS"] = {**audio.get("OPTIONS", {}), "location": str(tmp_path / "audio")}
    settings.STORAGES = {**settings.STORAGES, "audio": audio}
    return tmp_path


def test_keys_beside_the_audio_in_the_var_folder_are_reported_in_production(var_layout, settings):
    if not settings.STORAGES["audio"].get("BACKEND", "").endswith("FileSystemStorage"):
        pytest.skip("the audio is not stored in a folder")
    assert [message.id for message in key_store_beside_audio()] == ["recordings.I001"]
    # Not while developing, and not when the keys folder is a volume of its own.
    settings.DEBUG = True
    assert key_store_beside_audio() == []
    settings.DEBUG = False
    mounted = str(var_layout.resolve() / "keys")
    original = key_checks._mount_points
    key_checks._mount_points = lambda: {mounted}
    try:
        assert key_store_beside_audio() == []
    finally:
        key_checks._mount_points = original
    # Nor when the key store is somewhere else.
    settings.AUDIO_KEY_DIR = var_layout / "elsewhere" / "keys"
    assert key_store_beside_audio() == []


def test_a_key_store_others_may_enter_is_a_warning(settings, tmp_path):
    root = tmp_path / "keys"
    settings.AUDIO_KEY_DIR = root
    assert key_store_permissions() == []  # not made yet: made 0700 on first use
    root.mkdir(mode=0o700)
    assert key_store_permissions() == []
    os.chmod(root, 0o755)  # noqa: S103 (the fault under test)
    warnings = key_store_permissions()
    assert [w.id for w in warnings] == ["recordings.W003"]
    assert "0755" in warnings[0].msg


def test_a_key_store_owned_by_another_user_is_a_warning(settings, tmp_path, monkeypatch):
    root = tmp_path / "keys"
    root.mkdir(mode=0o700)
    settings.AUDIO_KEY_DIR = root
    monkeypatch.setattr(os, "geteuid", lambda: root.stat().st_uid + 1)
    warnings = key_store_permissions()
    assert [w.id for w in warnings] == ["recordings.W003"] and "owned by" in warnings[0].msg
