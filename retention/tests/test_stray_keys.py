"""Key files that no row stands for (review 2, finding 3): a day key created in a transaction
that rolled back leaves its file. The purge's key destruction destroys such files once they
are a day old, when the newest key row is at least as new as the newest key file (else the
database may be an older backup: nothing is destroyed, sweep_keys says why)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from access.tests.conftest import register_for
from recordings import audio_keys
from recordings.keystore import key_store
from recordings.models import AudioKey
from retention.key_destruction import destroy_spent_keys_reporting

pytestmark = pytest.mark.django_db(transaction=True)

DAY_AND_A_BIT = 25 * 3600


def _rolled_back_key(organisation) -> str:
    with pytest.raises(RuntimeError), transaction.atomic():
        key = audio_keys.day_key(organisation, datetime.now(UTC) - timedelta(days=3))
        name = audio_keys.key_name(key)
        raise RuntimeError("the caller's transaction fails")
    assert not AudioKey.objects.filter(pk=key.pk).exists() and key_store().exists(name)
    return name


def _age(name: str, seconds: float) -> None:
    path = key_store().path(name)
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_day_old_key_file_without_a_row_is_destroyed_by_the_purge(cast):
    organisation = cast.organisation
    register_for(organisation)  # 28 days: the live key's day is usable, not spent
    stray = _rolled_back_key(organisation)
    _age(stray, DAY_AND_A_BIT)
    live = audio_keys.day_key(organisation, timezone.now() + timedelta(days=28))  # newest row

    done = destroy_spent_keys_reporting(organisation, now=timezone.now())

    assert done.strays == [stray]
    assert not key_store().exists(stray)
    assert key_store().exists(audio_keys.key_name(live))


def test_a_young_stray_and_another_organisations_are_left(cast):
    organisation, other = cast.organisation, cast.other_organisation
    young = _rolled_back_key(organisation)
    theirs = _rolled_back_key(other)
    _age(theirs, DAY_AND_A_BIT)
    audio_keys.day_key(organisation, timezone.now() + timedelta(days=28))

    assert destroy_spent_keys_reporting(organisation, now=timezone.now()).strays == []
    assert key_store().exists(young) and key_store().exists(theirs)


def test_nothing_is_destroyed_when_the_database_looks_older_than_the_key_store(cast):
    """The newest key file is newer than the newest row: the database may be a backup whose
    missing rows stand for live calls."""
    organisation = cast.organisation
    live = audio_keys.day_key(organisation, timezone.now() + timedelta(days=28))
    AudioKey.objects.filter(pk=live.pk).update(created_at=timezone.now() - timedelta(days=3))
    stray = _rolled_back_key(organisation)
    _age(stray, DAY_AND_A_BIT)
    newer = _rolled_back_key(organisation)  # the newest file, younger than a day: no row

    assert destroy_spent_keys_reporting(organisation, now=timezone.now()).strays == []
    assert key_store().exists(stray) and key_store().exists(newer)
