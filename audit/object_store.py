"""A copy of each signed checkpoint in the object store, when audio lives in S3.

Each checkpoint becomes an object of its own under audit-checkpoints/<chain>/ (a new key every
time, nothing is overwritten). When the bucket has S3 Object Lock enabled, the object is
written in COMPLIANCE mode, retained EARSHOT_AUDIT_OBJECT_LOCK_DAYS: then nobody, not even the
bucket's owner, can delete or overwrite it before that date.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone

PREFIX = "audit-checkpoints"
_lock_enabled: dict[str, bool] = {}


def _s3_storage() -> Any | None:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return None
    storage = storages["audio"]
    return storage if isinstance(storage, S3Storage) else None


def object_key(statement: dict[str, Any]) -> str:
    chain = statement["chain"].replace(":", "-")
    moment = statement["signed_at"].replace(":", "").replace("+", "p")
    return f"{PREFIX}/{chain}/{moment}-{statement['last_sequence']}.json"


def object_lock_enabled(storage: Any) -> bool:
    from botocore.exceptions import ClientError

    name = storage.bucket_name
    if name not in _lock_enabled:
        client = storage.connection.meta.client
        try:
            configuration = client.get_object_lock_configuration(Bucket=name)
        except ClientError:
            _lock_enabled[name] = False  # no lock configuration on this bucket
        else:
            enabled = configuration.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled")
            _lock_enabled[name] = enabled == "Enabled"
    return _lock_enabled[name]


def object_store_put(statement: dict[str, Any], line: str) -> str | None:
    """Put the signed line into the bucket; returns its key (None on local storage)."""
    storage = _s3_storage()
    if storage is None:
        return None
    key = object_key(statement)
    extra: dict[str, Any] = {}
    if object_lock_enabled(storage):
        extra = {
            "ObjectLockMode": "COMPLIANCE",
            "ObjectLockRetainUntilDate": timezone.now()
            + timedelta(days=settings.AUDIT_OBJECT_LOCK_DAYS),
        }
    storage.bucket.put_object(
        Key=key, Body=(line + "\n").encode(), ContentType="application/json", **extra
    )
    return key
