"""A disclosure's copy is sealed at rest (issue 19, review finding 1): no plaintext of the audio
in the audio storage, the recipient still downloads the copy exactly as it was made, the key
of the day its link ends keeps it readable while the link is open and, once destroyed, leaves
it (and every backup of it) unreadable with a clear page; no other organisation's key opens it."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from access.constants import RequestKind
from access.disclosure_copy import (
    CopyUnreadable,
    copy_context,
    copy_readable,
    copy_uses_key,
    read_copy,
)
from access.disclosures import delete_copy
from access.four_eyes import RequestError
from access.models import Disclosure
from access.tests.conftest import sealed_call_like, share_copy
from audit.models import AuditEvent
from recordings import audio_keys
from recordings.constants import AudioKeyKind
from recordings.keystore import KeyUnavailable, key_store
from recordings.models import AudioKey
from recordings.sealed_storage import AudioUnreadable
from recordings.storage import audio_storage
from recordings.tests.factories import wav_bytes
from recordings.tests.sealing import destroy_while_writing, write_after_destruction
from retention.key_destruction import destroy_spent_keys
from tests.s3 import moto_s3, s3_audio_storage  # noqa: F401 (the loopback S3 fixtures)

pytestmark = pytest.mark.django_db

EMAIL = "meldpunt@politie.example"
WINDOW = 64


@pytest.fixture
def audio():
    """A WAV header and noise: every 64-byte window of it is distinct from chance bytes."""
    return wav_bytes(seconds=0.01)[:44] + os.urandom(200_000)


@pytest.fixture
def sealed_call(four_eyes, audio):
    return sealed_call_like(four_eyes.call, audio)


def _disclose(fe, police, call):
    request = fe.ask(
        kind=RequestKind.DISCLOSURE, recipient=police, recipient_email=EMAIL, recordings=[call]
    )
    mail.outbox.clear()
    fe.decide("privacy_officer", request)
    return Disclosure.objects.select_related("audio_key").get(request=request)


def _link_and_code():
    link_mail, code_mail = [m for m in mail.outbox if EMAIL in m.to]
    token = re.search(r"https?://\S+/d/(\S+)/", link_mail.body).group(1)
    code = re.search(r"\b(\d{8})\b", code_mail.body).group(1)
    return token, code


def _opened_client(token, code) -> Client:
    recipient = Client()
    opened = recipient.post(reverse("disclosure_open", kwargs={"token": token}), {"code": code})
    assert opened.status_code == 302
    return recipient


def _stored(disclosure) -> bytes:
    with audio_storage().open(disclosure.storage_key, "rb") as handle:
        return handle.read()


def _windows(data: bytes) -> set[bytes]:
    return {data[i : i + WINDOW] for i in range(len(data) - WINDOW + 1)}


def _share_far(organisation, expires_at):
    return share_copy(organisation, recipient_email=EMAIL, expires_at=expires_at)


def test_the_stored_copy_holds_no_window_of_the_audio_and_the_recipient_gets_it_whole(
    four_eyes, police, sealed_call, audio
):
    disclosure = _disclose(four_eyes, police, sealed_call)
    assert disclosure.sealing == "v1"
    # Under the key of the UTC day the link ends: the copy dies with that day's key.
    assert disclosure.audio_key.kind == AudioKeyKind.DAY
    assert disclosure.audio_key.organisation_id == disclosure.organisation_id
    assert disclosure.audio_key.day == audio_keys.deadline_day(disclosure.expires_at)
    stored = _stored(disclosure)
    assert not stored.startswith(b"PK")
    audio_windows = _windows(audio)
    assert not any(stored[i : i + WINDOW] in audio_windows for i in range(len(stored) - WINDOW + 1))
    assert hashlib.sha256(stored).hexdigest() != disclosure.sha256

    token, code = _link_and_code()
    recipient = _opened_client(token, code)
    page = recipient.get(reverse("disclosure_open", kwargs={"token": token}))
    assert b"data-download" in page.content and b"data-unreadable" not in page.content
    response = recipient.get(reverse("disclosure_download", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert int(response["Content-Length"]) == disclosure.size_bytes
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == disclosure.sha256
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        (name,) = [n for n in archive.namelist() if n != "SHA256SUMS"]
        assert archive.read(name) == audio
    assert AuditEvent.objects.filter(action="access.disclosure.downloaded").count() == 1


def _destroy_file_and_row(audio_key: AudioKey) -> None:
    """What the purge does once the day has passed (here while the link is still open: as a
    restored backup of the database and the audio storage would find it)."""
    key_store().destroy(audio_keys.key_name(audio_key))
    AudioKey.objects.filter(pk=audio_key.pk).update(destroyed_at=timezone.now())


def _flip_a_byte(disclosure) -> None:
    path = audio_storage().path(disclosure.storage_key)
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    data[len(data) // 2] ^= 0x01
    with open(path, "wb") as handle:
        handle.write(bytes(data))


@pytest.mark.parametrize(
    ("damage", "reason", "status", "on_page"),
    [
        (lambda d: _destroy_file_and_row(d.audio_key), "key_destroyed", 410, True),
        (lambda d: key_store().destroy(audio_keys.key_name(d.audio_key)), "key_missing", 409, True),
        (_flip_a_byte, "tampered", 409, False),  # the key opens it: the download checks the copy
        (lambda d: audio_storage().delete(d.storage_key), "missing_object", 410, False),
    ],
)
def test_a_copy_that_cannot_be_read_gets_a_clear_page_never_a_500_nor_a_byte(
    four_eyes, police, sealed_call, damage, reason, status, on_page
):
    disclosure = _disclose(four_eyes, police, sealed_call)
    token, code = _link_and_code()
    recipient = _opened_client(token, code)
    damage(disclosure)
    disclosure = Disclosure.objects.select_related("audio_key").get(pk=disclosure.pk)

    page = recipient.get(reverse("disclosure_open", kwargs={"token": token}))
    assert page.status_code == 200
    assert (f'data-unreadable="{reason}"'.encode() in page.content) is on_page
    assert (b"data-download" in page.content) is not on_page

    response = recipient.get(reverse("disclosure_download", kwargs={"token": token}))
    assert response.status_code == status
    assert not response.streaming
    assert f'data-unreadable="{reason}"'.encode() in response.content
    assert b"data-download" not in response.content
    assert AuditEvent.objects.filter(action="access.disclosure.downloaded").count() == 0
    event = AuditEvent.objects.get(action="access.disclosure.unreadable")
    assert event.detail["reason"] == reason and event.target_id == str(disclosure.pk)
    with pytest.raises(CopyUnreadable):
        read_copy(disclosure)


def test_after_its_key_is_destroyed_nothing_earshot_has_opens_the_copy(
    four_eyes, police, sealed_call
):
    disclosure = _disclose(four_eyes, police, sealed_call)
    stored = _stored(disclosure)  # a backup of the audio storage
    wrapped = bytes(disclosure.wrapped_key)  # and of the database
    context = copy_context(disclosure.organisation_id, disclosure.pk)
    _destroy_file_and_row(disclosure.audio_key)
    # Every key still in the key store, of either organisation, tried on the wrapped key.
    live = AudioKey.objects.filter(destroyed_at__isnull=True)
    assert live.exists()
    for audio_key in live:
        with pytest.raises(AudioUnreadable):
            audio_keys.unwrap_data_key(
                audio_key, wrapped, context, organisation_id=audio_key.organisation_id
            )
    disclosure.refresh_from_db()
    assert copy_readable(disclosure).reason == "key_destroyed"
    assert _stored(disclosure) == stored


def test_the_day_key_is_kept_while_the_link_is_open_and_goes_once_it_ended(cast):
    organisation = cast.organisation
    # A link whose day lies beyond any deadline a call can get: the purge's candidate at once.
    with TestCase.captureOnCommitCallbacks(execute=True):
        disclosure = _share_far(organisation, timezone.now() + timedelta(days=400))
    audio_key = disclosure.audio_key
    name = audio_keys.key_name(audio_key)
    assert not audio_keys.key_is_unused(audio_key)
    assert destroy_spent_keys(organisation, now=timezone.now()) == []
    assert audio_keys.destroy_key(audio_key) is False
    assert key_store().exists(name)
    assert read_copy(disclosure) == read_copy(disclosure)  # still readable

    # The link ends (here: expired; the hourly job deletes the copy): the key may go.
    Disclosure.objects.filter(pk=disclosure.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert audio_keys.key_is_unused(audio_key)
    destroyed = destroy_spent_keys(organisation, now=timezone.now())
    assert [key.pk for key in destroyed] == [audio_key.pk]
    assert not key_store().exists(name)
    disclosure.refresh_from_db()
    assert copy_readable(disclosure).reason == "key_destroyed"


def test_a_deleted_or_cancelled_copy_does_not_keep_its_key(four_eyes, police, sealed_call):
    disclosure = _disclose(four_eyes, police, sealed_call)
    audio_key = disclosure.audio_key
    # Another call's deadline may share the day: only the disclosure is asked about here.
    assert copy_uses_key(audio_key)
    delete_copy(disclosure)
    assert not copy_uses_key(audio_key)
    Disclosure.objects.filter(pk=disclosure.pk).update(copy_deleted_at=None)
    assert copy_uses_key(audio_key)
    Disclosure.objects.filter(pk=disclosure.pk).update(cancelled_at=timezone.now())
    assert not copy_uses_key(audio_key)


def test_another_organisations_key_never_opens_the_copy(four_eyes, police, sealed_call):
    disclosure = _disclose(four_eyes, police, sealed_call)
    other_key = audio_keys.day_key(four_eyes.cast.other_organisation, disclosure.expires_at)
    assert other_key.pk != disclosure.audio_key_id
    # The row pointed at the other organisation's key of the same day.
    disclosure.audio_key = other_key
    assert copy_readable(disclosure).reason == "key_corrupt"
    with pytest.raises(CopyUnreadable):
        read_copy(disclosure)
    # Even the right data key wrapped under the other organisation's key is refused.
    own = Disclosure.objects.select_related("audio_key").get(pk=disclosure.pk)
    context = copy_context(own.organisation_id, own.pk)
    data_key = audio_keys.unwrap_data_key(
        own.audio_key, own.wrapped_key, context, organisation_id=own.organisation_id
    )
    disclosure.wrapped_key = audio_keys.wrap_data_key(other_key, data_key, context)
    assert copy_readable(disclosure).reason == "key_corrupt"
    with pytest.raises(CopyUnreadable):
        read_copy(disclosure)


def test_another_disclosures_wrapped_key_does_not_open_it(four_eyes, police, sealed_call, audio):
    first = _disclose(four_eyes, police, sealed_call)
    second_call = sealed_call_like(four_eyes.call, audio + b"another call")
    second = _disclose(four_eyes, police, second_call)
    assert first.audio_key_id == second.audio_key_id  # same day, same key
    first.wrapped_key = second.wrapped_key
    assert copy_readable(first).reason == "key_corrupt"


def test_a_key_store_that_fails_refuses_the_approval_and_stores_nothing(
    four_eyes, police, sealed_call, monkeypatch, isolated_audio_storage
):
    request = four_eyes.ask(
        kind=RequestKind.DISCLOSURE,
        recipient=police,
        recipient_email=EMAIL,
        recordings=[sealed_call],
    )

    def failing(audio_key):
        raise KeyUnavailable("missing", "the key store is not mounted")

    monkeypatch.setattr(audio_keys, "wrap_data_key", lambda *a, **k: failing(a[0]))
    with pytest.raises(RequestError, match="sleutelopslag"):  # the key store
        four_eyes.decide("privacy_officer", request)
    assert not Disclosure.objects.exists()
    assert not list((isolated_audio_storage / "disclosures").rglob("*"))


def test_a_plaintext_copy_made_before_sealing_still_downloads(four_eyes, police, sealed_call):
    disclosure = _disclose(four_eyes, police, sealed_call)
    plain = read_copy(disclosure)
    with open(audio_storage().path(disclosure.storage_key), "wb") as handle:
        handle.write(plain)
    Disclosure.objects.filter(pk=disclosure.pk).update(sealing="", audio_key=None, wrapped_key=None)
    token, code = _link_and_code()
    recipient = _opened_client(token, code)
    response = recipient.get(reverse("disclosure_download", kwargs={"token": token}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == plain


def test_on_s3_the_bucket_holds_the_sealed_copy_and_the_recipient_gets_the_zip(
    s3_audio_storage,  # noqa: F811 (before the calls, so they are stored on S3)
    four_eyes,
    police,
    audio,
):
    call = sealed_call_like(four_eyes.call, audio)
    disclosure = _disclose(four_eyes, police, call)
    stored = _stored(disclosure)
    audio_windows = _windows(audio)
    assert not any(stored[i : i + WINDOW] in audio_windows for i in range(len(stored) - WINDOW + 1))
    token, code = _link_and_code()
    response = _opened_client(token, code).get(
        reverse("disclosure_download", kwargs={"token": token})
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == disclosure.sha256
    audio_storage().delete(disclosure.storage_key)
    response = _opened_client(token, code).get(
        reverse("disclosure_download", kwargs={"token": token})
    )
    assert response.status_code == 410 and b'data-unreadable="missing_object"' in response.content


@pytest.mark.django_db(transaction=True)
def test_a_copy_being_made_makes_the_keys_destruction_wait_and_then_keep_it(cast):
    organisation = cast.organisation
    expires_at = timezone.now() + timedelta(days=400)  # a candidate of the purge at once
    key = audio_keys.day_key(organisation, expires_at)
    made, destroyed = destroy_while_writing(key, lambda: _share_far(organisation, expires_at))
    assert destroyed == [False]
    assert made[0].audio_key_id == key.pk
    assert key_store().exists(audio_keys.key_name(key))
    assert copy_readable(Disclosure.objects.get(pk=made[0].pk)) is None


@pytest.mark.django_db(transaction=True)
def test_a_destruction_that_came_first_makes_the_copy_take_the_days_new_key(cast):
    organisation = cast.organisation
    expires_at = timezone.now() + timedelta(days=400)
    key = audio_keys.day_key(organisation, expires_at)
    made = write_after_destruction(key, lambda: _share_far(organisation, expires_at))
    disclosure = Disclosure.objects.select_related("audio_key").get(pk=made[0].pk)
    assert disclosure.audio_key_id != key.pk
    assert disclosure.audio_key.day == key.day and disclosure.audio_key.destroyed_at is None
    assert copy_readable(disclosure) is None
    assert zipfile.ZipFile(io.BytesIO(read_copy(disclosure))).read("letter.txt") == b"Uw gegevens"
