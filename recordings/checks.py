"""System checks for encryption at rest: where the key store lies, and what the delivery mode
can do with sealed audio (docs/keys.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def key_store_outside_audio(app_configs: Any = None, **kwargs: Any) -> list:
    audio = settings.STORAGES.get("audio", {})
    location = audio.get("OPTIONS", {}).get("location")
    if not audio.get("BACKEND", "").endswith("FileSystemStorage") or not location:
        return []
    if _inside(Path(settings.AUDIO_KEY_DIR), Path(location)):
        return [
            checks.Warning(
                f"The key store EARSHOT_KEY_DIR ({settings.AUDIO_KEY_DIR}) lies inside the "
                f"audio storage ({location}): a backup of the audio would then hold the keys, "
                "and destroying a key would no longer make the backup's calls unreadable.",
                hint="Put the key store on its own volume, outside the audio and the database "
                "(docs/keys.md).",
                id="recordings.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def delivery_of_sealed_audio(app_configs: Any = None, **kwargs: Any) -> list:
    if settings.AUDIO_DELIVERY not in {"nginx", "s3"}:
        return []
    return [
        checks.Warning(
            f"EARSHOT_AUDIO_DELIVERY={settings.AUDIO_DELIVERY}: sealed (encrypted) audio cannot "
            "be handed to the web server or the object store; Earshot decrypts it and streams "
            "it itself. Only recordings not yet sealed are still offloaded.",
            hint="Set EARSHOT_AUDIO_DELIVERY=django once `manage.py seal_audio` has sealed "
            "every recording (docs/keys.md).",
            id="recordings.W002",
        )
    ]


def _mount_points() -> set[str]:
    """The mount points of this process's view (Linux /proc/self/mountinfo; else empty)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            return {line.split()[4].replace("\\040", " ") for line in handle if line.strip()}
    except OSError:
        return set()


def _own_volume(path: Path) -> bool:
    resolved = path.resolve()
    return str(resolved) in _mount_points() or os.path.ismount(resolved)


@checks.register(checks.Tags.security, deploy=True)
def key_store_beside_audio(app_configs: Any = None, **kwargs: Any) -> list:
    """The default layout (EARSHOT_VAR_DIR/keys beside EARSHOT_VAR_DIR/audio and the SQLite
    database): a backup of the var folder holds the keys with the audio they open. Fine for a
    trial, not for production, unless the keys folder is a mount of its own (Docker's keys
    volume is)."""
    if settings.DEBUG:
        return []
    audio = settings.STORAGES.get("audio", {})
    location = audio.get("OPTIONS", {}).get("location")
    if not audio.get("BACKEND", "").endswith("FileSystemStorage") or not location:
        return []
    keys, var = Path(settings.AUDIO_KEY_DIR).resolve(), Path(settings.VAR_DIR).resolve()
    if _inside(keys, Path(location)):
        return []  # W001 says it
    if keys.parent != var or Path(location).resolve().parent != var or _own_volume(keys):
        return []
    return [
        checks.Info(
            f"The key store EARSHOT_KEY_DIR ({keys}) lies beside the audio ({location}) in "
            f"EARSHOT_VAR_DIR ({var}), on the same volume: a backup or snapshot of that folder "
            "holds the keys with the audio they open, and keeps destroyed keys for as long as "
            "the backup lives.",
            hint="In production put EARSHOT_KEY_DIR on a volume of its own, excluded from every "
            "backup (docs/keys.md, 'The key store').",
            id="recordings.I001",
        )
    ]


@checks.register(checks.Tags.security)
def key_store_permissions(app_configs: Any = None, **kwargs: Any) -> list:
    """The key store's root folder: only Earshot's own user may enter it (0700, owned by the
    user Earshot runs as). Not there yet: it is made so on first use."""
    root = Path(settings.AUDIO_KEY_DIR)
    try:
        status = root.stat()
    except FileNotFoundError:
        return []
    except OSError as error:
        return [
            checks.Warning(
                f"The key store EARSHOT_KEY_DIR ({root}) cannot be examined: {error.strerror}.",
                id="recordings.W003",
            )
        ]
    problems = []
    if status.st_mode & 0o077:
        problems.append(f"its mode is {status.st_mode & 0o777:04o}, not 0700")
    if hasattr(os, "geteuid") and status.st_uid != os.geteuid():
        problems.append(f"it is owned by user {status.st_uid}, not {os.geteuid()} (Earshot's)")
    if not problems:
        return []
    return [
        checks.Warning(
            f"The key store EARSHOT_KEY_DIR ({root}): {'; '.join(problems)}. Other users of "
            "the machine could read or remove the keys that open every recording.",
            hint=f"chmod 0700 {root} and chown it to the user Earshot runs as (docs/keys.md).",
            id="recordings.W003",
        )
    ]


@checks.register(checks.Tags.security)
def key_store_mounted(app_configs: Any = None, **kwargs: Any) -> list:
    """The key store's marker file (recordings.keystore.MARKER) is missing while the database
    names keys: its volume is not mounted (or EARSHOT_KEY_DIR names the wrong folder). Every
    key operation then fails as an error of the system; this says why before the first call
    does. Only when the marker is missing is the database asked (a fresh installation has no
    key row and initialises the store on its first key)."""
    from django.db import DatabaseError

    from recordings.keystore import MARKER, DirectoryKeyStore
    from recordings.models import AudioKey

    root = Path(settings.AUDIO_KEY_DIR)
    if DirectoryKeyStore(root).initialised():
        return []
    try:
        keys = AudioKey.objects.exists()
    except DatabaseError:  # no database yet, or not migrated: nothing to say about keys
        return []
    if not keys:
        return []
    return [
        checks.Error(
            f"The key store EARSHOT_KEY_DIR ({root}) is not there: its marker file {MARKER} is "
            "missing, yet the database names audio keys. No call can be stored or played, and "
            "no key is created or destroyed, until it is back.",
            hint="Mount the key volume at EARSHOT_KEY_DIR (or set EARSHOT_KEY_DIR to where it "
            f"is mounted). Only a folder that does hold the keys (made before Earshot wrote "
            f"the marker) may be given an empty {MARKER} file by hand; never an empty folder "
            "(docs/keys.md).",
            id="recordings.E001",
        )
    ]
