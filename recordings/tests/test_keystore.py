"""The directory key store (recordings/keystore.py): atomic creation that never overwrites,
checksummed files reported corrupt rather than used, destruction that leaves no key bytes on the
file's inode and can be rerun, and names that cannot leave the store."""

from __future__ import annotations

import os
import stat
import time
import uuid
from pathlib import Path

import pytest

from recordings import keystore
from recordings.keystore import (
    FILE_BYTES,
    KEY_BYTES,
    DirectoryKeyStore,
    KeyStore,
    KeyUnavailable,
    key_store,
)


def key_name(organisation_id: int = 12) -> str:
    return f"{organisation_id}/{uuid.uuid4().hex}"


@pytest.fixture
def store(tmp_path) -> DirectoryKeyStore:
    store = DirectoryKeyStore(tmp_path / "keys")
    store.initialise()
    return store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_created_key_reads_back_and_is_listed(store):
    name = key_name()
    key = store.create(name)

    assert len(key) == KEY_BYTES
    assert store.read(name) == key
    assert store.exists(name)
    assert store.names() == [name]
    assert isinstance(store, KeyStore)


def test_keys_are_random_and_the_file_does_not_hold_them_bare_of_a_checksum(store):
    first, second = key_name(), key_name()
    assert store.create(first) != store.create(second)
    data = store.path(first).read_bytes()
    assert len(data) == FILE_BYTES
    assert data.startswith(keystore.MAGIC)


def test_files_are_0600_and_folders_0700(store):
    name = key_name()
    store.create(name)
    path = store.path(name)

    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(store.root) == 0o700


def test_create_never_overwrites_a_key(store):
    name = key_name()
    key = store.create(name)
    with pytest.raises(FileExistsError):
        store.create(name)
    assert store.read(name) == key
    assert [entry.name for entry in store.path(name).parent.iterdir()] == [name.split("/")[1]]


def test_create_loses_a_race_to_another_writer_without_touching_its_key(store, monkeypatch):
    """Another process links the name between our check and our link: ours fails, theirs stays."""
    name = key_name()
    other = DirectoryKeyStore(store.root)
    real_link = os.link
    theirs = {}

    def link_after_the_other(source, target, **kwargs):
        if "key" not in theirs:
            theirs["key"] = None
            theirs["key"] = other.create(name)
        return real_link(source, target, **kwargs)

    monkeypatch.setattr(keystore.os, "link", link_after_the_other)
    with pytest.raises(FileExistsError):
        store.create(name)
    monkeypatch.undo()

    assert store.read(name) == theirs["key"]
    assert os.listdir(store.path(name).parent) == [name.split("/")[1]]  # no temporary file left


def test_a_missing_key_is_reported_missing(store):
    name = key_name()
    with pytest.raises(KeyUnavailable) as caught:
        store.read(name)
    assert caught.value.reason == "missing"
    assert name in str(caught.value)
    assert not store.exists(name)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # cut short
        lambda data: data + b"\0",  # grown
        lambda data: b"",  # emptied
        lambda data: data[:10] + bytes([data[10] ^ 1]) + data[11:],  # a key bit flipped
        lambda data: bytes([data[0] ^ 0x20]) + data[1:],  # the magic
        lambda data: data[:4] + b"\x02" + data[5:],  # an unknown version
        lambda data: data[:-1] + bytes([data[-1] ^ 0x80]),  # the checksum
    ],
)
def test_a_damaged_key_file_is_reported_corrupt_not_used(store, damage):
    name = key_name()
    store.create(name)
    path = store.path(name)
    path.write_bytes(damage(path.read_bytes()))

    with pytest.raises(KeyUnavailable) as caught:
        store.read(name)
    assert caught.value.reason == "corrupt"
    assert "damaged" in str(caught.value)


def test_a_key_file_copied_under_another_name_is_corrupt(store):
    """The checksum covers the name: one organisation's key cannot be passed off as another's."""
    mine, theirs = key_name(12), key_name(13)
    store.create(mine)
    store.path(theirs).parent.mkdir(mode=0o700)
    store.path(theirs).write_bytes(store.path(mine).read_bytes())

    with pytest.raises(KeyUnavailable) as caught:
        store.read(theirs)
    assert caught.value.reason == "corrupt"


def test_a_key_that_is_a_folder_or_a_symlink_is_corrupt(store, tmp_path):
    folder, link = key_name(), key_name()
    store.path(folder).mkdir(parents=True)
    target = tmp_path / "elsewhere"
    target.write_bytes(b"x" * FILE_BYTES)
    store.path(link).symlink_to(target)

    for name in (folder, link):
        with pytest.raises(KeyUnavailable) as caught:
            store.read(name)
        assert caught.value.reason == "corrupt"


def test_destroy_overwrites_the_bytes_on_the_inode_then_unlinks(store, tmp_path):
    name = key_name()
    store.create(name)
    path = store.path(name)
    before = path.read_bytes()
    # A second name for the same inode, so the test can look at the bytes after the unlink.
    witness = tmp_path / "witness"
    os.link(path, witness)

    store.destroy(name)

    assert not store.exists(name)
    assert not path.exists()
    assert name not in store.names()
    after = witness.read_bytes()
    assert len(after) == len(before)
    assert after != before
    assert after[5 : 5 + KEY_BYTES] != before[5 : 5 + KEY_BYTES]
    with pytest.raises(KeyUnavailable) as caught:
        store.read(name)
    assert caught.value.reason == "missing"


def test_destroy_is_idempotent(store):
    name = key_name()
    store.create(name)
    store.destroy(name)
    store.destroy(name)
    store.destroy(key_name(99))  # an organisation that never had a key
    assert store.names() == []


def test_destroy_finishes_after_a_kill_between_overwrite_and_unlink(store):
    """A rerun finds the overwritten file (it no longer reads as a key) and removes it."""
    name = key_name()
    store.create(name)
    path = store.path(name)
    path.write_bytes(os.urandom(FILE_BYTES))  # as if killed right after the overwrite

    store.destroy(name)
    assert not store.exists(name)


def test_destroy_overwrites_a_damaged_file_of_any_size(store, tmp_path):
    name = key_name()
    store.create(name)
    path = store.path(name)
    path.write_bytes(b"k" * 200_000)
    witness = tmp_path / "witness"
    os.link(path, witness)

    store.destroy(name)

    assert not store.exists(name)
    after = witness.read_bytes()
    assert len(after) == 200_000 and after.count(b"k") < 2_000


def test_destroy_also_shreds_a_temporary_file_a_crashed_create_left(store, tmp_path):
    name = key_name()
    store.create(name)
    path = store.path(name)
    leftover = path.parent / f".tmp-{path.name}-{'0' * 16}"
    leftover.write_bytes(keystore.encode_key_file(name, os.urandom(KEY_BYTES)))
    witness = tmp_path / "witness"
    os.link(leftover, witness)
    before = witness.read_bytes()

    store.destroy(name)

    assert not leftover.exists()
    assert witness.read_bytes() != before


def test_destroy_raises_when_the_file_is_still_there(store, monkeypatch):
    name = key_name()
    store.create(name)
    # An unlink that did nothing.
    monkeypatch.setattr(keystore.os, "unlink", lambda path, **kwargs: None)

    with pytest.raises(OSError, match="still present"):
        store.destroy(name)


def test_names_lists_keys_only(store):
    names = sorted([key_name(12), key_name(12), key_name(3)])
    for name in names:
        store.create(name)
    folder = store.path(names[0]).parent
    (folder / f".tmp-{'a' * 32}-{'1' * 16}").write_bytes(b"half written")
    (folder / "README").write_text("not a key")
    (store.root / "lost+found").mkdir()
    (store.root / "notes.txt").write_text("x")

    assert store.names() == names
    with pytest.raises(KeyUnavailable, match="marker"):
        DirectoryKeyStore(store.root / "absent").names()


def test_sweep_shreds_old_temporary_files_but_not_a_linked_key_or_a_fresh_one(store):
    name = key_name()
    key = store.create(name)
    path = store.path(name)
    folder = path.parent
    orphan = folder / f".tmp-{'b' * 32}-{'2' * 16}"  # crashed before the link: shred it
    orphan.write_bytes(keystore.encode_key_file(f"12/{'b' * 32}", os.urandom(KEY_BYTES)))
    linked = folder / f".tmp-{path.name}-{'3' * 16}"  # crashed after the link: it IS the key
    os.link(path, linked)
    fresh = folder / f".tmp-{'c' * 32}-{'4' * 16}"  # a create under way right now
    fresh.write_bytes(b"x")
    old = time.time() - 2 * keystore.TEMP_GRACE_SECONDS
    for temp in (orphan, linked):
        os.utime(temp, (old, old), follow_symlinks=False)

    assert store.sweep_temporary() == 2

    assert not orphan.exists() and not linked.exists()
    assert fresh.exists()
    assert store.read(name) == key  # the key that shared the inode is intact


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "12/../../etc/passwd",
        "/etc/passwd",
        "12",
        "12/",
        "12/" + "a" * 31,
        "12/" + "a" * 33,
        "12/" + "A" * 32,
        "012/" + "a" * 32,
        "-1/" + "a" * 32,
        "12/" + "a" * 32 + "\n",
        "12/.tmp-" + "a" * 32,
        "12//" + "a" * 32,
        "12/" + "a" * 32 + "/x",
        "",
        None,
    ],
)
def test_a_name_that_is_not_a_key_name_is_refused(store, name):
    for call in (store.create, store.read, store.destroy, store.exists):
        with pytest.raises(ValueError):
            call(name)
    assert os.listdir(store.root) == [keystore.MARKER]


def test_key_store_is_the_configured_directory(settings, tmp_path):
    settings.AUDIO_KEY_DIR = tmp_path / "configured"
    store = key_store()
    assert isinstance(store, DirectoryKeyStore)
    assert store.root == tmp_path / "configured"


def test_the_message_of_key_unavailable_is_a_sentence():
    missing = KeyUnavailable("missing", name="12/ab")
    assert str(missing) == "The key file 12/ab is not in the key store."
    assert str(KeyUnavailable("destroyed")) == "The key was destroyed."
    error = KeyUnavailable("corrupt", "Custom words.")
    assert (error.reason, str(error)) == ("corrupt", "Custom words.")


def test_a_symlinked_organisation_folder_is_never_followed(store, tmp_path):
    """An organisation's folder replaced by a symlink to elsewhere (another volume, another
    organisation's folder): no key is read through it, created in it or destroyed in it."""
    name = key_name()
    folder = store.path(name).parent
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    outside = DirectoryKeyStore(tmp_path / "other-root")
    outside.initialise()
    outside_name = f"{folder.name}/{name.split('/')[1]}"
    outside.create(outside_name)
    os.rename(outside.root / folder.name, elsewhere / "org")
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(elsewhere / "org", target_is_directory=True)
    target = elsewhere / "org" / name.split("/")[1]
    before = target.read_bytes()

    with pytest.raises(KeyUnavailable) as caught:
        store.read(name)
    assert caught.value.reason == "corrupt" and "key folder" in str(caught.value)
    assert store.exists(name) is False
    with pytest.raises(OSError, match="not a plain folder"):
        store.destroy(name)
    with pytest.raises(OSError):
        store.create(key_name())  # another key of the same organisation
    assert target.read_bytes() == before  # untouched
    assert store.names() == []  # a symlinked folder is not listed either


def test_a_store_without_its_marker_refuses_every_operation_and_makes_nothing(tmp_path):
    """An unmounted key volume (an empty mount point, or no folder at all): no key is created
    on the wrong file system, none reads as merely absent, none is "destroyed" there."""
    for root in (tmp_path / "absent" / "keys", tmp_path / "empty"):
        if root.name == "empty":
            root.mkdir()
        store = DirectoryKeyStore(root)
        assert not store.initialised()
        name = key_name()
        for call in (store.create, store.read, store.exists, store.destroy):
            with pytest.raises(KeyUnavailable, match="is its volume mounted") as caught:
                call(name)
            assert caught.value.reason == "missing"
        with pytest.raises(KeyUnavailable):
            store.names()
        assert not root.exists() or os.listdir(root) == []


def test_initialise_writes_the_marker_once_and_keeps_keys(tmp_path):
    store = DirectoryKeyStore(tmp_path / "new" / "keys")
    store.initialise()
    assert store.initialised() and mode(store.root) == 0o700
    name = key_name()
    key = store.create(name)
    store.initialise()  # again: nothing changes
    assert store.read(name) == key and store.names() == [name]
    assert sorted(os.listdir(store.root)) == [keystore.MARKER, "12"]
