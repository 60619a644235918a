"""System checks for encryption at rest: where the key store lies, and what the delivery mode
can do with sealed audio (docs/keys.md)."""

from __future__ import annotations

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
