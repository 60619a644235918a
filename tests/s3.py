"""A real S3-compatible server for tests: moto in server mode on a loopback port.

No mocked client: boto3 and django-storages talk HTTP to moto's server thread, as they would to
AWS or MinIO. `moto_s3` (session) starts the server and creates the bucket; `s3_audio_storage`
(per test) points the "audio" storage at it through the real `build_storages()` and the
EARSHOT_S3_* variables, and empties the bucket afterwards. tests/conftest.py registers both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import storages

from earshot.storages import build_storages

REGION = "eu-west-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
BUCKET = "earshot-audio-test"
PREFIX = "audio"
URL_SECONDS = 60


@dataclass
class MotoS3:
    """The running server, its bucket and a plain boto3 client to look inside it."""

    endpoint_url: str
    bucket: str
    client: Any

    def object_key(self, name: str) -> str:
        """The bucket key of a storage name (the storage puts everything under PREFIX/)."""
        return f"{PREFIX}/{name}"

    def object_keys(self) -> list[str]:
        keys: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return keys

    def empty(self) -> None:
        keys = self.object_keys()
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in batch]}
            )


def s3_client(endpoint_url: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def s3_environment(monkeypatch: pytest.MonkeyPatch, *, endpoint_url: str, bucket: str) -> None:
    """The EARSHOT_* variables a deployment on S3 would set (and none left from the shell)."""
    monkeypatch.setenv("EARSHOT_STORAGE", "s3")
    monkeypatch.setenv("EARSHOT_S3_BUCKET", bucket)
    monkeypatch.setenv("EARSHOT_S3_ENDPOINT_URL", endpoint_url)
    monkeypatch.setenv("EARSHOT_S3_REGION", REGION)
    monkeypatch.setenv("EARSHOT_S3_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("EARSHOT_S3_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("EARSHOT_S3_URL_SECONDS", str(URL_SECONDS))
    monkeypatch.delenv("EARSHOT_S3_PREFIX", raising=False)
    for name in (
        "STORAGE",
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_REGION",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
        "S3_URL_SECONDS",
        "S3_PREFIX",
    ):
        monkeypatch.delenv(f"EARSHOT_{name}_FILE", raising=False)


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    from moto.server import ThreadedMotoServer

    # Port 0: the OS picks a free port when the server binds, so there is no race for it.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint_url = f"http://{host}:{port}"
        client = s3_client(endpoint_url)
        # moto keeps its buckets per process, not per server: a test module that imports this
        # fixture gets a server of its own, and the first one made the bucket.
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(
                Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        yield MotoS3(endpoint_url=endpoint_url, bucket=BUCKET, client=client)
    finally:
        server.stop()


@pytest.fixture
def s3_audio_storage(settings, monkeypatch, moto_s3: MotoS3) -> Iterator[MotoS3]:
    """For one test, the "audio" storage is S3Storage on the moto server (via build_storages)."""
    from storages.backends.s3 import S3Storage

    s3_environment(monkeypatch, endpoint_url=moto_s3.endpoint_url, bucket=moto_s3.bucket)
    built = build_storages(var_dir=Path(settings.VAR_DIR), debug=False)
    # Keep the test settings' plain StaticFilesStorage (no manifest, no collectstatic).
    staticfiles = settings.STORAGES["staticfiles"]
    moto_s3.empty()
    # Assigning STORAGES sends setting_changed; Django's own receiver resets the
    # StorageHandler (its cached `backends` and the instances), on entry and on restore.
    # (django.test.signals.storages_changed; test_storage_s3 checks it, so no reset here.)
    settings.STORAGES = {**built, "staticfiles": staticfiles}
    assert isinstance(storages["audio"], S3Storage), "StorageHandler kept the old backend"
    try:
        yield moto_s3
    finally:
        moto_s3.empty()
