"""With audio on S3, every signed audit checkpoint is also an object of its own in the bucket,
under Object Lock where the bucket has it (real S3-compatible server on loopback, tests/s3.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

import audit
from audit.checkpoints import store_path
from earshot.storages import build_storages
from organisations.tests.factories import OrganisationFactory
from tests.s3 import s3_environment

LOCKED_BUCKET = "earshot-audit-locked"


def _checkpoint_objects(s3):
    return sorted(key for key in s3.object_keys() if key.startswith("audit-checkpoints/"))


@pytest.mark.django_db
def test_each_checkpoint_is_a_new_object_holding_the_signed_line(s3_audio_storage):
    organisation = OrganisationFactory()
    audit.record(actor=None, action="auth.signout", organisation=organisation)
    call_command("audit_checkpoint")
    audit.record(actor=None, action="auth.signout", organisation=organisation)
    call_command("audit_checkpoint")

    keys = _checkpoint_objects(s3_audio_storage)
    assert len(keys) == 2
    assert all(key.startswith(f"audit-checkpoints/organisation-{organisation.pk}/") for key in keys)
    bodies = [
        s3_audio_storage.client.get_object(Bucket=s3_audio_storage.bucket, Key=key)["Body"]
        .read()
        .decode()
        .strip()
        for key in keys
    ]
    assert sorted(bodies) == sorted(store_path().read_text().splitlines())


@pytest.fixture
def locked_bucket(settings, monkeypatch, moto_s3):
    client = moto_s3.client
    existing = {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}
    if LOCKED_BUCKET not in existing:
        client.create_bucket(
            Bucket=LOCKED_BUCKET,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
            ObjectLockEnabledForBucket=True,
        )
    s3_environment(monkeypatch, endpoint_url=moto_s3.endpoint_url, bucket=LOCKED_BUCKET)
    built = build_storages(var_dir=Path(settings.VAR_DIR), debug=False)
    settings.STORAGES = {**built, "staticfiles": settings.STORAGES["staticfiles"]}
    assert storages["audio"].bucket_name == LOCKED_BUCKET
    return client


@pytest.mark.django_db
def test_on_a_bucket_with_object_lock_the_checkpoint_cannot_be_deleted(locked_bucket, settings):
    settings.AUDIT_OBJECT_LOCK_DAYS = 30
    organisation = OrganisationFactory()
    audit.record(actor=None, action="auth.signout", organisation=organisation)
    checkpoint = audit.checkpoint(organisation=organisation, kind="command")

    prefix = f"audit-checkpoints/organisation-{organisation.pk}/"
    (item,) = locked_bucket.list_object_versions(Bucket=LOCKED_BUCKET, Prefix=prefix)["Versions"]
    head = locked_bucket.head_object(Bucket=LOCKED_BUCKET, Key=item["Key"])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    retained = head["ObjectLockRetainUntilDate"]
    assert abs(retained - (checkpoint.signed_at + timedelta(days=30))) < timedelta(minutes=5)
    assert retained > timezone.now() + timedelta(days=29)
    with pytest.raises(ClientError):
        locked_bucket.delete_object(
            Bucket=LOCKED_BUCKET, Key=item["Key"], VersionId=item["VersionId"]
        )
