"""The unique rules hold among calls that still have audio; a tombstone takes part in none."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from organisations.tests.factories import OrganisationFactory
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import recording_create, wav_bytes
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db


def _purged(organisation, **fields) -> Recording:
    recording = recording_create(organisation=organisation, **fields)
    Recording.objects.filter(pk=recording.pk).update(
        purge_deadline=timezone.now() - timedelta(hours=1)
    )
    assert purge_organisation(organisation).purged == 1
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.PURGED
    return recording


def test_two_live_calls_never_name_one_storage_object():
    organisation = OrganisationFactory()
    first, second = (
        recording_create(organisation=organisation),
        recording_create(organisation=organisation),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Recording.objects.filter(pk=second.pk).update(storage_key=first.storage_key)
    second.refresh_from_db()
    assert second.storage_key != first.storage_key


def test_two_live_calls_of_one_organisation_never_share_a_call_id():
    organisation, other = OrganisationFactory(), OrganisationFactory()
    recording_create(organisation=organisation, call_id="pbx-1")
    recording_create(organisation=other, call_id="pbx-1")  # another organisation's numbering
    with pytest.raises(IntegrityError), transaction.atomic():
        recording_create(organisation=organisation, call_id="pbx-1")


def test_a_tombstone_keeps_no_call_id_or_audio_that_a_new_call_could_collide_with():
    organisation = OrganisationFactory()
    tombstone = _purged(organisation, call_id="pbx-7", audio=wav_bytes(seed=700))
    assert tombstone.call_id == str(tombstone.pk)
    assert tombstone.storage_key == f"purged/{tombstone.pk}"

    # The PBX may reuse its numbering, and the same audio may arrive again as a new call.
    again = recording_create(organisation=organisation, call_id="pbx-7", audio=wav_bytes(seed=700))
    assert (again.status, again.sha256) == (RecordingStatus.ACTIVE, tombstone.sha256)
    # Even a live call named like a tombstone's row id, or two tombstones, collide with nothing.
    recording_create(organisation=organisation, call_id=str(tombstone.pk))
    second = _purged(organisation)
    assert Recording.objects.filter(organisation=organisation).count() == 4
    assert set(Recording.objects.filter(status=RecordingStatus.PURGED)) == {tombstone, second}
