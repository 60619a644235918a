"""Sealed audio (issue 19) through the gate: what a listener gets is the plaintext's bytes, range
for range; what cannot be read (a tampered object, a missing or destroyed key) is refused with
409 and its reason, hands over no byte, counts no play and is in the audit trail; every
delivery mode serves a sealed call from the app."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access.constants import RequestKind
from access.disclosure_copy import read_copy
from access.disclosures import DisclosureError
from access.four_eyes import RequestError
from access.models import AccessRequest, Disclosure
from access.streaming import CHUNK, UNREADABLE
from access.subject_audio import read_whole_call, subject_copy_audio
from access.tests.conftest import sealed_call_like
from access.tests.test_gate import audio_url, body, stored_bytes
from audit.models import AuditEvent
from recordings import sealed
from recordings.audio_keys import key_name
from recordings.keystore import key_store
from recordings.models import AudioKey
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create, wav_bytes

pytestmark = pytest.mark.django_db

LISTENED = "access.recording.listened"
SEGMENT = sealed.SEGMENT


@pytest.fixture
def plain():
    """Twenty seconds of audio: five sealed segments, two pieces of an answer."""
    return wav_bytes(seconds=20, seed=23)


@pytest.fixture
def call(world, plain):
    """A sealed call of a team the coach coaches."""
    recording = recording_create(
        organisation=world.cast.organisation,
        employee=world.team_a_call.employee,
        audio=plain,
        duration_seconds=20.0,
        sealed=True,
    )
    type(recording).objects.filter(pk=recording.pk).update(audio_duration_seconds=20.0)
    recording.refresh_from_db()
    return recording


@pytest.fixture
def coach(world, client_for):
    return client_for(world.cast["coach"])


def _tamper(recording, offset: int) -> None:
    """Flip one bit of the stored object at `offset`."""
    path = audio_storage().path(recording.storage_key)
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x01]))


def _segment_offset(index: int) -> int:
    return sealed.HEADER_SIZE + index * (SEGMENT + sealed.TAG)


def test_the_stored_object_holds_no_window_of_the_plaintext(call, plain):
    stored = stored_bytes(call)
    assert call.sealing == "v1" and call.audio_key is not None and call.wrapped_key
    assert len(stored) == sealed.sealed_size(len(plain))
    assert stored[:4] == b"ESA1"
    windows = [plain[i : i + 64] for i in range(0, len(plain) - 64, 64)]
    assert not [w for w in windows if w in stored]


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-",  # open: capped at one piece
        "bytes=0-99",
        f"bytes={SEGMENT - 10}-{SEGMENT + 9}",  # across a segment boundary
        f"bytes={SEGMENT}-{3 * SEGMENT + 5}",  # three segments, capped
        f"bytes={2 * SEGMENT - 1}-",  # open from the last byte of a segment
        "bytes=-100",  # the last 100 bytes (the last, short segment)
        f"bytes=-{SEGMENT + 7}",  # a suffix over two segments
        "bytes=5-5",
    ],
)
def test_every_range_through_the_gate_is_the_plaintexts_range(coach, call, plain, header):
    response = coach.get(audio_url(call), HTTP_RANGE=header)
    assert response.status_code == 206
    first, last = response["Content-Range"].removeprefix("bytes ").split("/")[0].split("-")
    start, end = int(first), int(last)
    assert response["Content-Range"].endswith(f"/{len(plain)}")
    data = body(response)
    assert data == plain[start : end + 1]
    assert int(response["Content-Length"]) == len(data)
    assert response["ETag"] == f'"{call.sha256}"'
    assert response["Accept-Ranges"] == "bytes"
    asked = header.removeprefix("bytes=")
    if asked.startswith("-"):
        assert end == len(plain) - 1 and start == len(plain) - int(asked[1:])
    else:
        assert start == int(asked.split("-")[0])


def test_a_whole_play_in_pieces_is_the_plaintext(coach, call, plain):
    received = b""
    while len(received) < len(plain):
        response = coach.get(audio_url(call), HTTP_RANGE=f"bytes={len(received)}-")
        assert response.status_code == 206
        received += body(response)
    assert received == plain
    assert AuditEvent.objects.filter(action=LISTENED, target_id=str(call.pk)).count() == 1


def test_a_further_range_of_a_sealed_call_asks_the_database_no_more_than_a_plaintext_one(
    coach, call, plain
):
    """The gate's one statement reads the call's key row too: decrypting costs no query."""
    assert coach.get(audio_url(call), HTTP_RANGE="bytes=0-65535").status_code == 206
    with CaptureQueriesContext(connection) as queries:
        response = coach.get(audio_url(call), HTTP_RANGE="bytes=65536-131071")
        assert body(response) == plain[65536:131072]
    statements = [query["sql"].lstrip().split(None, 1)[0].upper() for query in queries]
    assert set(statements) == {"SELECT"}, statements
    # As many as test_gate_ranges allows a plaintext call's further range.
    assert len(statements) <= 9, [query["sql"][:120] for query in queries]
    assert not [q for q in queries if "recordings_audiokey" in q["sql"].split("FROM", 1)[1][:40]]


def test_no_range_answers_the_first_piece_and_if_range_decides(coach, call, plain):
    response = coach.get(audio_url(call))
    assert response.status_code == 206  # twenty seconds do not fit in one answer
    data = body(response)
    assert data == plain[: len(data)] and len(data) >= CHUNK
    etag = f'"{call.sha256}"'
    held = coach.get(audio_url(call), HTTP_RANGE="bytes=1000-1999", HTTP_IF_RANGE=etag)
    assert held["Content-Range"] == f"bytes 1000-1999/{len(plain)}"
    assert body(held) == plain[1000:2000]
    changed = coach.get(audio_url(call), HTTP_RANGE="bytes=1000-1999", HTTP_IF_RANGE='"other"')
    assert changed["Content-Range"].startswith("bytes 0-")
    assert body(changed) == plain[: int(changed["Content-Length"])]
    assert coach.get(audio_url(call), HTTP_IF_NONE_MATCH=etag).status_code == 304
    refused = coach.get(audio_url(call), HTTP_RANGE=f"bytes={len(plain)}-")
    assert refused.status_code == 416
    assert refused["Content-Range"] == f"bytes */{len(plain)}"


def test_head_answers_the_headers_of_a_get_without_audio(coach, call, plain):
    response = coach.head(audio_url(call), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


def test_a_tampered_segment_is_refused_with_the_reason_no_byte_and_no_play(coach, call, plain):
    _tamper(call, _segment_offset(1) + 100)
    response = coach.get(audio_url(call), HTTP_RANGE=f"bytes={SEGMENT - 10}-{SEGMENT + 9}")
    assert response.status_code == 409
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "gewijzigd" in text  # "altered"
    assert plain[SEGMENT - 10 : SEGMENT + 10] not in response.content
    event = AuditEvent.objects.get(action=UNREADABLE, target_id=str(call.pk))
    assert event.detail["reason"] == "tampered"
    assert event.actor_id is not None and event.purpose == "coaching"
    # An unreadable answer is no listen.
    assert not AuditEvent.objects.filter(action=LISTENED, target_id=str(call.pk)).exists()
    # The same failure again in the same session is one event, not one per click.
    assert coach.get(audio_url(call), HTTP_RANGE=f"bytes={SEGMENT}-").status_code == 409
    assert AuditEvent.objects.filter(action=UNREADABLE, target_id=str(call.pk)).count() == 1
    # A HEAD answers what a GET would.
    assert coach.head(audio_url(call), HTTP_RANGE=f"bytes={SEGMENT}-").status_code == 409


def test_a_range_that_misses_the_tampered_segment_is_still_served(coach, call, plain):
    """Each segment is authenticated on its own: a range reads only the segments it touches,
    and those are verified (this is what keeps the gate's Range answer fast)."""
    _tamper(call, _segment_offset(3) + 5)
    response = coach.get(audio_url(call), HTTP_RANGE="bytes=0-999")
    assert body(response) == plain[:1000]
    assert coach.get(audio_url(call), HTTP_RANGE=f"bytes={3 * SEGMENT}-").status_code == 409


def test_a_cut_off_object_is_refused(coach, call):
    path = audio_storage().path(call.storage_key)
    with open(path, "r+b") as handle:
        handle.truncate(_segment_offset(4) + 10)
    response = coach.get(audio_url(call), HTTP_RANGE="bytes=-10")
    assert response.status_code == 409
    assert AuditEvent.objects.get(action=UNREADABLE).detail["reason"] in {"truncated", "tampered"}


def test_a_missing_key_is_said_on_the_gate_and_the_call_page_and_the_list_still_works(
    world, coach, call
):
    key_store().destroy(key_name(call.audio_key))
    response = coach.get(audio_url(call))
    assert response.status_code == 409
    # "missing from the key store"
    assert "ontbreekt in de sleutelopslag" in response.content.decode()
    assert AuditEvent.objects.get(action=UNREADABLE).detail["reason"] == "key_missing"
    detail = coach.get(
        reverse(
            "access:recording_detail",
            kwargs={"org_slug": call.organisation.slug, "recording_id": call.pk},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "data-unreadable" in page
    assert "data-player" not in page and "player.js" not in page
    listing = coach.get(reverse("access:recording_list", kwargs={"org_slug": "acme"}))
    assert listing.status_code == 200
    assert call.call_id in [r.call_id for r in listing.context["recordings"]]


def test_a_destroyed_key_says_when(world, coach, call):
    key_store().destroy(key_name(call.audio_key))
    AudioKey.objects.filter(pk=call.audio_key_id).update(destroyed_at=timezone.now())
    response = coach.get(audio_url(call))
    assert response.status_code == 409
    text = response.content.decode()
    assert "vernietigd" in text and str(timezone.localdate().year) in text  # "destroyed on <date>"
    assert AuditEvent.objects.get(action=UNREADABLE).detail["reason"] == "key_destroyed"


def test_a_readable_sealed_call_shows_its_player(coach, call):
    page = coach.get(
        reverse(
            "access:recording_detail",
            kwargs={"org_slug": call.organisation.slug, "recording_id": call.pk},
        )
    ).content.decode()
    assert "data-unreadable" not in page and "player.js" in page


@pytest.mark.parametrize("delivery", ["nginx", "s3"])
def test_offloading_modes_serve_a_sealed_call_decrypted_from_the_app(
    settings, coach, call, plain, delivery
):
    settings.AUDIO_DELIVERY = delivery
    response = coach.get(audio_url(call), HTTP_RANGE=f"bytes={SEGMENT - 5}-{SEGMENT + 5}")
    assert response.status_code == 206
    assert "X-Accel-Redirect" not in response and "Location" not in response
    assert body(response) == plain[SEGMENT - 5 : SEGMENT + 6]


def test_offloading_still_hands_off_a_plaintext_call(settings, world, coach):
    settings.AUDIO_DELIVERY = "nginx"
    response = coach.get(audio_url(world.team_a_call))
    assert response["X-Accel-Redirect"].endswith(world.team_a_call.storage_key)


def test_a_copy_reads_the_whole_call_and_refuses_clearly_when_it_cannot(call, plain):
    assert read_whole_call(call) == plain
    _tamper(call, _segment_offset(2) + 1)
    with pytest.raises(DisclosureError) as refused:
        read_whole_call(call)
    assert call.call_id in str(refused.value) and "gewijzigd" in str(refused.value)


@pytest.fixture
def sealed_team_b_call(world, plain):
    return sealed_call_like(world.team_b_call, plain)


def test_a_disclosure_of_a_sealed_call_holds_the_plaintext(four_eyes, police, sealed_team_b_call):
    plain = b"".join([read_whole_call(sealed_team_b_call)])
    request = four_eyes.ask(
        kind=RequestKind.DISCLOSURE,
        recipient=police,
        recipient_email="meldpunt@politie.example",
        recordings=[sealed_team_b_call],
    )
    four_eyes.decide("privacy_officer", request)
    disclosure = Disclosure.objects.get(request=request)
    archive = zipfile.ZipFile(io.BytesIO(read_copy(disclosure)))
    [name] = [n for n in archive.namelist() if n != "SHA256SUMS"]
    assert archive.read(name) == plain


def test_a_disclosure_of_an_unreadable_call_is_refused_and_nothing_is_produced(
    four_eyes, police, sealed_team_b_call
):
    key_store().destroy(key_name(sealed_team_b_call.audio_key))
    request = four_eyes.ask(
        kind=RequestKind.DISCLOSURE,
        recipient=police,
        recipient_email="meldpunt@politie.example",
        recordings=[sealed_team_b_call],
    )
    mail.outbox.clear()
    with pytest.raises(RequestError) as refused:
        four_eyes.decide("privacy_officer", request)
    assert sealed_team_b_call.call_id in str(refused.value)
    assert not Disclosure.objects.exists()
    assert AccessRequest.objects.get(pk=request.pk).status == "pending"
    assert not mail.outbox


def test_a_subjects_copy_of_an_unreadable_call_is_refused_with_the_reason(world, call):
    key_store().destroy(key_name(call.audio_key))
    with pytest.raises(DisclosureError) as refused:
        subject_copy_audio(
            organisation=world.cast.organisation,
            recordings=[call],
            actor=world.cast["privacy_officer"],
            subject_request_id="r-1",
            ip_address=None,
        )
    assert call.call_id in str(refused.value)
    assert "ontbreekt in de sleutelopslag" in str(refused.value)


def test_a_restored_call_past_its_deadline_says_its_retention_ended_with_the_date(call):
    # A restored database: the key row is live again, its file was destroyed at the deadline.
    from datetime import timedelta

    from django.utils import formats, translation

    from access.streaming import audio_unreadable_notice
    from recordings.models import Recording

    key_store().destroy(key_name(call.audio_key))
    deadline = timezone.now() - timedelta(days=3)
    Recording.objects.filter(pk=call.pk).update(purge_deadline=deadline)
    restored = Recording.objects.get(pk=call.pk)
    with translation.override("en"):
        notice = audio_unreadable_notice(restored)
        day = formats.date_format(timezone.localtime(deadline), "DATE_FORMAT")
    assert notice == (
        f"This call's retention ended on {day}; its key has been destroyed, so no copy of it "
        "can be read."
    )
