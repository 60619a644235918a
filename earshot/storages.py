"""STORAGES, built in one tested function: local files by default, S3-compatible by choice.

Audio lives in the "audio" storage. Neither backend has a public URL: the local one has no
base URL at all, and the S3 one only hands out short-lived presigned URLs, which the gate in
access/ issues after its check.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from earshot.env import env_int, env_str

STATIC_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
DEBUG_STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"


def build_storages(*, var_dir: Path, debug: bool) -> dict[str, dict]:
    kind = (env_str("EARSHOT_STORAGE", "local") or "local").lower()
    if kind == "local":
        audio = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env_str("EARSHOT_AUDIO_DIR", str(var_dir / "audio")),
                "base_url": None,
                "file_permissions_mode": 0o640,
                "directory_permissions_mode": 0o750,
            },
        }
    elif kind == "s3":
        bucket = env_str("EARSHOT_S3_BUCKET")
        if not bucket:
            raise ImproperlyConfigured("EARSHOT_STORAGE=s3 needs EARSHOT_S3_BUCKET.")
        audio = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": env_str("EARSHOT_S3_ENDPOINT_URL") or None,
                "region_name": env_str("EARSHOT_S3_REGION") or None,
                "access_key": env_str("EARSHOT_S3_ACCESS_KEY") or None,
                "secret_key": env_str("EARSHOT_S3_SECRET_KEY") or None,
                "location": env_str("EARSHOT_S3_PREFIX", "audio"),
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": env_int("EARSHOT_S3_URL_SECONDS", 60),
                # botocore otherwise signs presigned URLs with the deprecated SigV2.
                "signature_version": env_str("EARSHOT_S3_SIGNATURE_VERSION", "s3v4"),
                # A ranged read through django-storages downloads the object; spill it to
                # disk past 5 MB instead of holding a whole recording in memory.
                "max_memory_size": env_int("EARSHOT_S3_MAX_MEMORY_SIZE", 5 * 1024 * 1024),
            },
        }
    else:
        raise ImproperlyConfigured(f"EARSHOT_STORAGE must be 'local' or 's3', not {kind!r}.")
    return {
        # Nothing is stored through the default storage; it points at the audio folder's
        # parent so that a stray default_storage.save() never lands in a served folder.
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(var_dir / "files"), "base_url": None},
        },
        "audio": audio,
        "staticfiles": {"BACKEND": DEBUG_STATIC_BACKEND if debug else STATIC_BACKEND},
    }
