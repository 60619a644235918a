"""Invariant 1 (one gate for audio) and 3 (never older than declared), tried from outside."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from recordings.constants import RecordingStatus
from recordings.storage import audio_storage

pytestmark = pytest.mark.django_db


def audio_url(recording, purpose="coaching"):
    url = reverse(
        "access:recording_audio",
        kwargs={"org_slug": recording.organisation.slug, "recording_id": recording.pk},
    )
    return f"{url}?purpose={purpose}" if purpose else url


def stored_bytes(recording) -> bytes:
    with audio_storage().open(recording.storage_key, "rb") as handle:
        return handle.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_coach_hears_a_call_of_a_coached_team_and_the_listen_is_audited(world, client_for):
    response = client_for(world.cast["coach"]).get(audio_url(world.team_a_call))
    assert response.status_code == 200
    assert body(response) == stored_bytes(world.team_a_call)
    assert response["Content-Type"] == "audio/wav"
    assert response["Cache-Control"] == "no-store, private"
    event = AuditEvent.objects.get(action="access.recording.listened")
    assert event.purpose == "coaching"
    assert event.target_id == str(world.team_a_call.pk)
    assert event.actor_id == world.cast["coach"].pk


def test_coach_cannot_hear_a_call_of_a_team_they_do_not_coach(world, client_for):
    response = client_for(world.cast["coach"]).get(audio_url(world.team_b_call))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="access.recording.listened").exists()


def test_a_purpose_without_a_standing_right_is_refused_and_audited(world, client_for):
    response = client_for(world.cast["coach"]).get(audio_url(world.team_a_call, "misconduct"))
    assert response.status_code == 403
    refused = AuditEvent.objects.get(action="access.recording.refused")
    assert refused.purpose == "misconduct"


def test_listening_without_a_purpose_is_refused(world, client_for):
    response = client_for(world.cast["coach"]).get(audio_url(world.team_a_call, purpose=""))
    assert response.status_code == 403


def test_employee_hears_own_call_only(world, client_for):
    client = client_for(world.cast["employee"])
    assert client.get(audio_url(world.own_call)).status_code == 200
    assert client.get(audio_url(world.team_a_call)).status_code == 404


@pytest.mark.parametrize("role", ["manager", "team_leader", "privacy_officer"])
def test_roles_that_see_metadata_still_cannot_hear_without_a_right(world, client_for, role):
    client = client_for(world.cast[role])
    detail = reverse(
        "access:recording_detail", kwargs={"org_slug": "acme", "recording_id": world.team_b_call.pk}
    )
    assert client.get(detail).status_code == 200
    assert client.get(audio_url(world.team_b_call)).status_code == 403


@pytest.mark.parametrize("role", ["administrator", "auditor"])
def test_administrator_and_auditor_reach_no_recordings(world, client_for, role):
    client = client_for(world.cast[role])
    assert (
        client.get(reverse("access:recording_list", kwargs={"org_slug": "acme"})).status_code == 403
    )
    assert client.get(audio_url(world.team_a_call)).status_code == 403


def test_a_call_past_its_deadline_is_refused_even_before_the_purge(world, client_for):
    type(world.team_a_call).objects.filter(pk=world.team_a_call.pk).update(
        purge_deadline=timezone.now() - timedelta(seconds=1)
    )
    response = client_for(world.cast["coach"]).get(audio_url(world.team_a_call))
    assert response.status_code == 410
    assert AuditEvent.objects.filter(action="access.recording.refused").exists()


def test_a_held_call_past_its_deadline_may_still_be_heard(world, client_for):
    type(world.team_a_call).objects.filter(pk=world.team_a_call.pk).update(
        purge_deadline=timezone.now() - timedelta(days=1), status=RecordingStatus.HELD
    )
    assert client_for(world.cast["coach"]).get(audio_url(world.team_a_call)).status_code == 200


@pytest.mark.parametrize("status", [RecordingStatus.INCOMING, RecordingStatus.PURGED])
def test_incoming_and_purged_calls_are_not_there(world, client_for, status):
    type(world.team_a_call).objects.filter(pk=world.team_a_call.pk).update(status=status)
    assert client_for(world.cast["coach"]).get(audio_url(world.team_a_call)).status_code == 404


def test_range_request_answers_206_with_the_exact_bytes(world, client_for):
    client = client_for(world.cast["employee"])
    data = stored_bytes(world.own_call)
    response = client.get(audio_url(world.own_call), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert response["Content-Length"] == "100"
    assert body(response) == data[100:200]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=1000-", slice(1000, None)),
        ("bytes=-50", slice(-50, None)),
        ("bytes=0-999999999", slice(0, None)),
    ],
)
def test_open_and_suffix_ranges(world, client_for, header, expected):
    data = stored_bytes(world.own_call)
    response = client_for(world.cast["employee"]).get(audio_url(world.own_call), HTTP_RANGE=header)
    assert response.status_code == 206
    assert body(response) == data[expected]


def test_unsatisfiable_range_answers_416(world, client_for):
    size = world.own_call.size_bytes
    response = client_for(world.cast["employee"]).get(
        audio_url(world.own_call), HTTP_RANGE=f"bytes={size}-"
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_several_ranges_get_the_whole_file(world, client_for):
    response = client_for(world.cast["employee"]).get(
        audio_url(world.own_call), HTTP_RANGE="bytes=0-1,5-9"
    )
    assert response.status_code == 200
    assert body(response) == stored_bytes(world.own_call)


def test_one_playback_is_one_listen_in_the_trail(world, client_for):
    client = client_for(world.cast["employee"])
    for header in ("bytes=0-", "bytes=4000-", "bytes=100-200"):
        client.get(audio_url(world.own_call), HTTP_RANGE=header)
    assert AuditEvent.objects.filter(action="access.recording.listened").count() == 1


def test_a_playback_that_goes_on_stays_one_listen_and_a_long_pause_starts_another(
    world, client_for
):
    import time_machine

    client = client_for(world.cast["employee"])
    start = timezone.now()
    # A long call: a piece every ten minutes for an hour keeps the one session open.
    for minutes in range(0, 70, 10):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get(audio_url(world.own_call), HTTP_RANGE="bytes=0-").status_code == 206
    assert AuditEvent.objects.filter(action="access.recording.listened").count() == 1
    # Paused for more than half an hour: playing again is a new listen.
    with time_machine.travel(start + timedelta(minutes=60 + 31)):
        client.get(audio_url(world.own_call), HTTP_RANGE="bytes=0-")
    assert AuditEvent.objects.filter(action="access.recording.listened").count() == 2


def test_no_byte_leaves_when_the_audit_event_cannot_be_written(world, client_for, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("access.views.audit.record", broken)
    client = client_for(world.cast["employee"])
    client.raise_request_exception = False
    response = client.get(audio_url(world.own_call))
    assert response.status_code == 500
    assert not getattr(response, "streaming", False)


def test_nginx_offload_sends_no_bytes_itself(world, client_for, settings):
    settings.AUDIO_DELIVERY = "nginx"
    response = client_for(world.cast["employee"]).get(audio_url(world.own_call))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-audio/{world.own_call.storage_key}"
    assert response.content == b""


def test_stored_audio_has_no_public_url(world, client):
    key = world.own_call.storage_key
    for path in (f"/{key}", f"/media/{key}", f"/static/{key}", f"/audio/{key}"):
        assert client.get(path).status_code == 404


def test_player_page_offers_only_the_purposes_with_a_standing_right(world, client_for):
    page = client_for(world.cast["coach"]).get(
        reverse(
            "access:recording_detail",
            kwargs={"org_slug": "acme", "recording_id": world.team_a_call.pk},
        )
    )
    html = page.content.decode()
    assert 'value="coaching"' in html
    assert 'value="misconduct"' not in html


@pytest.mark.parametrize(
    "fmt", ["mp3", "ogg_vorbis", "ogg_opus", "speex", "flac", "m4a", "mp4_aac", "aac_adts", "aiff"]
)
def test_every_format_ingest_accepts_is_served_with_an_audio_type(fmt, tmp_path):
    """A browser plays what it is told is audio; application/octet-stream it may refuse."""
    from access.streaming import CONTENT_TYPES
    from recordings.probe import probe_audio
    from recordings.tests.audio import ENCODINGS, make_encoded

    extension, _codec = ENCODINGS[fmt]
    info = probe_audio(make_encoded(tmp_path / f"call.{extension}", fmt))
    assert CONTENT_TYPES[info.container].startswith("audio/")
