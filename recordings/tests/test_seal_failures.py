"""Calls that keep failing do not stall the sealing beat task (review 2, finding 5): a bounded
run leaves a call that failed alone for a while (SealingFailure.retry_after), so the next run
reaches the calls behind it; seal_audio without a limit still tries every call."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from access.tests.conftest import register_for
from recordings.seal_existing import seal_existing
from recordings.sealing_models import SealingFailure
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org(cast):
    register_for(cast.organisation)
    return cast.organisation


def test_bounded_runs_get_past_calls_that_always_fail(org):
    bad = []
    for n in range(3):
        call = recording_create(organisation=org, id=uuid.UUID(int=n + 1))
        audio_storage().delete(call.storage_key)  # its object is lost
        bad.append(call)
    good = recording_create(organisation=org, id=uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffffff"))

    first = seal_existing(organisation=org, limit=3, wait_for_leftovers=False)
    assert (first.failed, first.sealed) == (3, 0)
    failures = SealingFailure.objects.filter(organisation=org)
    assert sorted(f.recording_id for f in failures) == sorted(c.pk for c in bad)
    assert all(f.reason == "missing_object" and f.retry_after > timezone.now() for f in failures)

    second = seal_existing(organisation=org, limit=3, wait_for_leftovers=False)
    assert (second.failed, second.sealed) == (0, 1)
    good.refresh_from_db()
    assert good.sealing == "v1"

    # seal_audio without a limit tries them all again; each failure waits longer.
    whole = seal_existing(organisation=org, wait_for_leftovers=False)
    assert whole.failed == 3
    assert {f.attempts for f in SealingFailure.objects.filter(organisation=org)} == {2}


def test_a_call_sealed_after_a_failure_is_forgotten(org):
    call = recording_create(organisation=org)
    content = audio_storage().open(call.storage_key, "rb").read()
    audio_storage().delete(call.storage_key)
    assert seal_existing(organisation=org, wait_for_leftovers=False).failed == 1
    assert SealingFailure.objects.filter(recording=call).exists()

    from django.core.files.base import ContentFile

    audio_storage().save(call.storage_key, ContentFile(content))  # the object is back
    assert seal_existing(organisation=org, wait_for_leftovers=False).sealed == 1
    assert not SealingFailure.objects.exists()
