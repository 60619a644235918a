"""The key store: the day and hold keys that wrap recordings' data keys, outside the database.

One small file per key under a directory of its own (`AUDIO_KEY_DIR`), named
`<organisation id>/<key uuid hex>`; names are made by recordings.audio_keys, never taken from
outside, and anything else is refused. A key file holds a magic, a version, the 32 key bytes and
a checksum over the name and those bytes, so a damaged or renamed file reads as "corrupt" and is
never used. Files are written atomically and never overwritten: a temporary file (0600) is
written and fsynced, hard-linked to its name (which fails if the name exists) and the directory
fsynced. Destroying overwrites the file's bytes with random ones, fsyncs, unlinks, fsyncs the
directory and checks the name is gone; it is idempotent, so a rerun after a crash finishes it.

`KeyStore` is the interface; an external KMS could implement it later.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import Protocol, runtime_checkable

KEY_BYTES = 32
MAGIC = b"ESK1"
VERSION = 1
_CHECK_BYTES = 8
FILE_BYTES = len(MAGIC) + 1 + KEY_BYTES + _CHECK_BYTES  # 45
_FOLDER = re.compile(r"0|[1-9][0-9]{0,17}")
_NAME = re.compile(r"(0|[1-9][0-9]{0,17})/([0-9a-f]{32})")
_TEMP = re.compile(r"\.tmp-([0-9a-f]{32})-[0-9a-f]{16}")
# A temporary file older than this is the remains of a crash, not a create under way.
TEMP_GRACE_SECONDS = 3600
# The file that says "this folder is the key store": written once, when the store is first
# initialised (audio_keys does so only for an installation without any key row). A folder
# without it is an unmounted volume's empty mount point, or the wrong folder: no key is
# created, read or destroyed there.
MARKER = ".earshot-keystore"

_SENTENCES = {
    "missing": "The key file {name} is not in the key store.",
    "corrupt": "The key file {name} is damaged and cannot be used.",
    "destroyed": "The key {name} was destroyed.",
}


class KeyUnavailable(Exception):
    """A key cannot be had; `.reason` is "missing" or "corrupt" (audio_keys adds "destroyed")."""

    def __init__(self, reason: str, message: str | None = None, *, name: str = ""):
        self.reason = reason
        self.name = name
        if message is None:
            sentence = _SENTENCES.get(reason, "The key {name} is unavailable.")
            message = sentence.format(name=name or "").replace("  ", " ")
        super().__init__(message)


@runtime_checkable
class KeyStore(Protocol):
    """What Earshot needs of a key store (a directory now; an external KMS could do it later)."""

    def create(self, name: str) -> bytes:
        """A new random key under `name`, durably stored; FileExistsError if `name` exists."""
        ...

    def read(self, name: str) -> bytes:
        """The key's bytes; KeyUnavailable("missing") or KeyUnavailable("corrupt")."""
        ...

    def destroy(self, name: str) -> None:
        """Make the key unrecoverable and confirm it is gone; fine if it is already absent."""
        ...

    def exists(self, name: str) -> bool: ...

    def names(self) -> list[str]:
        """Every key present, e.g. "12/3f2a…" (sorted)."""
        ...


def check_name(name: str) -> tuple[str, str]:
    """(organisation folder, file name) of a valid key name; ValueError for anything else."""
    match = _NAME.fullmatch(name) if isinstance(name, str) else None
    if match is None:
        raise ValueError(f"not a key name: {name!r}")
    return match.group(1), match.group(2)


def _checksum(name: str, body: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\0" + body).digest()[:_CHECK_BYTES]


def encode_key_file(name: str, key: bytes) -> bytes:
    body = MAGIC + bytes([VERSION]) + key
    return body + _checksum(name, body)


def decode_key_file(name: str, data: bytes) -> bytes:
    """The key in a key file's bytes; KeyUnavailable("corrupt") unless every check passes."""
    body, check = data[:-_CHECK_BYTES], data[-_CHECK_BYTES:]
    if (
        len(data) != FILE_BYTES
        or not body.startswith(MAGIC)
        or body[len(MAGIC)] != VERSION
        or not secrets.compare_digest(check, _checksum(name, body))
    ):
        raise KeyUnavailable("corrupt", name=name)
    return bytes(body[len(MAGIC) + 1 :])


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _shred(path: Path | str, *, shared: bool = True, dir_fd: int | None = None) -> bool:
    """Overwrite a file's bytes with random ones, fsync, unlink. False if it was not there.
    `path` is relative to `dir_fd` when that is given (an organisation folder opened without
    following symlinks).

    With shared=False a file that has another name (a temporary file already linked to its
    key's name) is only unlinked: its bytes are that live key's."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW, dir_fd=dir_fd)
    except FileNotFoundError:
        return False
    try:
        status = os.fstat(fd)
        if not shared and status.st_nlink > 1:
            os.close(fd)
            fd = -1
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path, dir_fd=dir_fd)
            return True
        size = max(status.st_size, FILE_BYTES)
        written = 0
        while written < size:  # in pieces: a damaged file may be any size
            written += os.pwrite(fd, os.urandom(min(size - written, 65536)), written)
        os.fsync(fd)
    finally:
        if fd >= 0:
            os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path, dir_fd=dir_fd)
    return True


def _present(file: str, dir_fd: int) -> bool:
    try:
        os.lstat(file, dir_fd=dir_fd)
    except FileNotFoundError:
        return False
    return True


# An organisation's folder is opened with these: a folder replaced by a symlink to elsewhere
# is never followed (ELOOP), so no key is read from, written to or "destroyed" in another place.
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


class DirectoryKeyStore:
    """Keys as files under `root`: folders 0700, files 0600, one file per key."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"DirectoryKeyStore({str(self.root)!r})"

    def path(self, name: str) -> Path:
        folder, file = check_name(name)
        return self.root / folder / file

    def _open_folder(self, folder: str) -> int | None:
        """A descriptor of the organisation's folder, opened without following a symlink;
        None when absent; OSError (ELOOP, ENOTDIR) when it is a symlink or not a folder."""
        try:
            return os.open(self.root / folder, _FOLDER_FLAGS)
        except FileNotFoundError:
            return None

    def initialised(self) -> bool:
        """Whether the root holds the store's marker file (see MARKER)."""
        try:
            return stat.S_ISREG(os.lstat(self.root / MARKER).st_mode)
        except OSError:
            return False

    def initialise(self) -> None:
        """Make the root (0700) and write its marker atomically; nothing if it is there. Only
        for a store that holds no key yet (recordings.audio_keys decides that)."""
        if self.initialised():
            return
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = self.root / f".tmp-marker-{secrets.token_hex(8)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            try:
                os.write(fd, b"Earshot key store: do not remove this file.\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                os.link(temp, self.root / MARKER, follow_symlinks=False)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        _fsync_dir(self.root)

    def _require(self) -> None:
        """KeyUnavailable("missing") when the root has no marker: its volume is not mounted
        (an error of the system, never a reason to make or replace keys)."""
        if not self.initialised():
            raise KeyUnavailable(
                "missing",
                f"The key store at {self.root} is not there (marker {MARKER} missing): is its "
                "volume mounted?",
            )

    def _make_folder(self, folder: str) -> None:
        try:
            os.mkdir(self.root / folder, 0o700)
        except FileExistsError:
            pass
        else:
            _fsync_dir(self.root)

    def create(self, name: str) -> bytes:
        folder, file = check_name(name)
        self._require()
        self._make_folder(folder)
        dir_fd = self._open_folder(folder)
        if dir_fd is None:
            raise FileNotFoundError(f"the key folder of {name} vanished")
        try:
            if _present(file, dir_fd):
                raise FileExistsError(f"key {name} exists already")
            key = secrets.token_bytes(KEY_BYTES)
            temp = f".tmp-{file}-{secrets.token_hex(8)}"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            fd = os.open(temp, flags, 0o600, dir_fd=dir_fd)
            try:
                try:
                    os.fchmod(fd, 0o600)
                    os.write(fd, encode_key_file(name, key))
                    os.fsync(fd)
                finally:
                    os.close(fd)
                # FileExistsError: never replaces a key.
                os.link(temp, file, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp, dir_fd=dir_fd)
                os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return key

    def read(self, name: str) -> bytes:
        folder, file = check_name(name)
        self._require()
        try:
            dir_fd = self._open_folder(folder)
        except OSError as error:  # the folder is a symlink, or not a folder
            raise KeyUnavailable(
                "corrupt", f"The key folder of {name} cannot be used ({error.strerror}).", name=name
            ) from None
        if dir_fd is None:
            raise KeyUnavailable("missing", name=name)
        try:
            try:
                fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
            except FileNotFoundError:
                raise KeyUnavailable("missing", name=name) from None
            except OSError as error:  # a symlink, a folder, no permission: there but unusable
                raise KeyUnavailable(
                    "corrupt", f"The key file {name} cannot be read ({error.strerror}).", name=name
                ) from None
            try:
                data = os.read(fd, FILE_BYTES + 1)
            except OSError as error:
                raise KeyUnavailable(
                    "corrupt", f"The key file {name} cannot be read ({error.strerror}).", name=name
                ) from None
            finally:
                os.close(fd)
        finally:
            os.close(dir_fd)
        return decode_key_file(name, data)

    def exists(self, name: str) -> bool:
        """Whether anything is under the key's name; False when the organisation's folder is
        missing or is a symlink (never followed)."""
        folder, file = check_name(name)
        self._require()
        try:
            dir_fd = self._open_folder(folder)
        except OSError:
            return False
        if dir_fd is None:
            return False
        try:
            return _present(file, dir_fd)
        finally:
            os.close(dir_fd)

    def destroy(self, name: str) -> None:
        folder, file = check_name(name)
        self._require()  # "already absent" must not be said of an unmounted volume
        try:
            dir_fd = self._open_folder(folder)
        except OSError as error:
            raise OSError(
                f"the key folder of {name} is not a plain folder ({error.strerror}); it is not "
                "followed: replace the symlink by the folder itself"
            ) from None
        if dir_fd is None:
            return
        try:
            _shred(file, dir_fd=dir_fd)
            # A create that crashed before removing its temporary file left the key there too.
            for leftover in os.listdir(dir_fd):
                if leftover.startswith(f".tmp-{file}-"):
                    _shred(leftover, dir_fd=dir_fd)
            os.fsync(dir_fd)
            if _present(file, dir_fd):
                raise OSError(f"key file {name} is still present after destroying it")
        finally:
            os.close(dir_fd)

    def names(self) -> list[str]:
        found = []
        self._require()
        for folder in os.scandir(self.root):
            if not folder.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(folder.path):
                name = f"{folder.name}/{entry.name}"
                if _NAME.fullmatch(name) and entry.is_file(follow_symlinks=False):
                    found.append(name)
        return sorted(found)

    def sweep_temporary(self, *, older_than: float = TEMP_GRACE_SECONDS) -> int:
        """Shred temporary files left by crashed creates (older than `older_than` seconds)."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than
        swept = 0
        for folder in self.root.iterdir():
            if not _FOLDER.fullmatch(folder.name) or folder.is_symlink() or not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if not _TEMP.fullmatch(entry.name):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if entry.lstat().st_mtime <= cutoff and _shred(entry, shared=False):
                        swept += 1
            _fsync_dir(folder)
        return swept


def key_store() -> KeyStore:
    """The configured key store: a directory at `settings.AUDIO_KEY_DIR`."""
    from django.conf import settings

    root = getattr(settings, "AUDIO_KEY_DIR", None) or Path(settings.VAR_DIR) / "keys"
    return DirectoryKeyStore(Path(root))
