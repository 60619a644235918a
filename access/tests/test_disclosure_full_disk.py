"""A disclosure copy whose save fails (a full disk) leaves no partial object behind (review 2,
finding 6): Django's local storage keeps what it wrote; store_sealed_copy deletes it."""

from __future__ import annotations

import errno
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from access.disclosure_copy import store_sealed_copy
from recordings import sealed

pytestmark = pytest.mark.django_db


def test_a_copy_that_fills_the_disk_leaves_no_partial_object(cast, monkeypatch):
    real_read = sealed.Sealer.read
    reads = {"n": 0}

    def failing(self, size=-1):
        reads["n"] += 1
        if reads["n"] > 1:  # the first piece is written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_read(self, size)

    monkeypatch.setattr(sealed.Sealer, "read", failing)
    organisation = cast.organisation
    name = f"disclosures/{organisation.pk}/{uuid.uuid4().hex}.zip"
    with pytest.raises(OSError) as caught:
        store_sealed_copy(
            organisation=organisation,
            disclosure_id=uuid.uuid4(),
            name=name,
            content=b"x" * (3 * 1024 * 1024),
            expires_at=timezone.now() + timedelta(days=2),
        )
    assert caught.value.errno == errno.ENOSPC
    assert reads["n"] > 1
    location = Path(settings.STORAGES["audio"]["OPTIONS"]["location"])
    assert not (location / name).exists()
