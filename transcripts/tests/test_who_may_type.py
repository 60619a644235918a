"""Who may type a transcript: only the holder of an approved, working grant for a purpose the
organisation marked for anonymised transcripts, on a call the grant names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.four_eyes import grant_revoke
from access.models import Grant
from audit.models import AuditEvent
from transcripts.models import Transcript, TranscriptPurpose
from transcripts.policy import TranscriptError
from transcripts.services import purpose_switch, transcript_purpose_set, transcript_start

pytestmark = pytest.mark.django_db


def _start(world, role="team_leader", **kwargs):
    return transcript_start(membership=world.membership(role), recording=world.call, **kwargs)


def test_holder_of_a_transcript_grant_starts_one_transcript_per_call_and_grant(transcript_world):
    grant = transcript_world.grant()
    transcript, created = _start(transcript_world)
    assert created
    assert (transcript.grant, transcript.author) == (grant, transcript_world.cast["team_leader"])
    assert transcript.purpose.code == "customer-transcript"
    again, created = _start(transcript_world)  # a second click opens the first
    assert again == transcript and not created
    event = AuditEvent.objects.get(action="transcripts.transcript.started")
    assert event.purpose == "customer-transcript"
    assert "Jan" not in str(event.detail)


def test_a_grant_for_another_purpose_is_refused(transcript_world):
    transcript_world.grant(purpose="misconduct")
    with pytest.raises(TranscriptError, match="toegang nodig voor een doel met transcripties"):
        _start(transcript_world)
    assert not Transcript.objects.exists()


def test_an_expired_grant_is_refused(transcript_world):
    grant = transcript_world.grant()
    Grant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(TranscriptError):
        _start(transcript_world)


def test_a_revoked_grant_is_refused(transcript_world):
    grant = transcript_world.grant()
    grant_revoke(
        membership=transcript_world.membership("privacy_officer"),
        request_id=grant.request_id,
        comment="De klacht is ingetrokken door de klant.",
    )
    with pytest.raises(TranscriptError):
        _start(transcript_world)


def test_someone_without_the_grant_is_refused(transcript_world):
    transcript_world.grant(role="team_leader")
    with pytest.raises(TranscriptError):
        _start(transcript_world, role="manager")


def test_unmarking_the_purpose_stops_typing(transcript_world):
    transcript_world.grant()
    transcript, _ = _start(transcript_world)
    transcript_purpose_set(
        organisation=transcript_world.cast.organisation,
        purpose=transcript_world.purposes["customer-transcript"],
        actor=None,
        on=False,
    )
    from transcripts.services import utterance_add

    with pytest.raises(TranscriptError, match="merkt dit doel niet meer aan"):
        utterance_add(
            membership=transcript_world.membership("team_leader"),
            transcript_id=transcript.pk,
            start_seconds=1.0,
            speaker="customer",
            text="Hallo",
        )


def test_only_administrator_or_privacy_officer_marks_a_purpose(transcript_world):
    purpose = transcript_world.purposes["misconduct"]
    with pytest.raises(TranscriptError):
        purpose_switch(
            membership=transcript_world.membership("manager"), purpose_id=purpose.pk, on=True
        )
    assert purpose_switch(
        membership=transcript_world.membership("privacy_officer"), purpose_id=purpose.pk, on=True
    )
    assert TranscriptPurpose.objects.filter(purpose=purpose).exists()
    assert AuditEvent.objects.filter(
        action="transcripts.purpose.switched_on", purpose="misconduct"
    ).exists()
    # Another organisation's purpose id is simply not found.
    with pytest.raises(TranscriptError, match="Dit doel bestaat niet"):
        purpose_switch(
            membership=transcript_world.membership("privacy_officer"), purpose_id=999999, on=True
        )


def test_the_call_page_offers_type_a_transcript_to_the_grant_holder_only(
    transcript_world, client_for
):
    transcript_world.grant()
    url = reverse(
        "access:recording_detail",
        kwargs={"org_slug": "acme", "recording_id": transcript_world.call.pk},
    )
    start = reverse(
        "transcripts:start", kwargs={"org_slug": "acme", "recording_id": transcript_world.call.pk}
    )
    page = client_for(transcript_world.cast["team_leader"]).get(url).content.decode()
    assert start in page
    page = client_for(transcript_world.cast["manager"]).get(url).content.decode()
    assert start not in page


def test_starting_in_the_browser_opens_the_editor(transcript_world, client_for):
    transcript_world.grant()
    client = client_for(transcript_world.cast["team_leader"])
    url = reverse(
        "transcripts:start", kwargs={"org_slug": "acme", "recording_id": transcript_world.call.pk}
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"language": "nl"})
    transcript = Transcript.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "transcripts:detail", kwargs={"org_slug": "acme", "transcript_id": transcript.pk}
    )
    page = client.get(response["Location"]).content.decode()
    assert "data-player" in page  # typed beside the player
    assert "data-add-utterance" in page


def test_a_member_without_a_grant_is_told_why(transcript_world, client_for):
    client = client_for(transcript_world.cast["manager"])
    url = reverse(
        "transcripts:start", kwargs={"org_slug": "acme", "recording_id": transcript_world.call.pk}
    )
    response = client.post(url, {"language": "nl"})
    assert response.status_code == 200
    assert "data-no-grant" in response.content.decode()
    assert not Transcript.objects.exists()


def test_a_user_of_another_organisation_gets_404(transcript_world, client_for):
    transcript_world.grant()
    transcript, _ = _start(transcript_world)
    outsider = client_for(transcript_world.cast.outsider)
    url = reverse("transcripts:detail", kwargs={"org_slug": "acme", "transcript_id": transcript.pk})
    assert outsider.get(url).status_code == 404
    # Through the outsider's own organisation, the id finds nothing (or the role opens nothing).
    url = reverse(
        "transcripts:detail", kwargs={"org_slug": "other", "transcript_id": transcript.pk}
    )
    assert outsider.get(url).status_code in (403, 404)


def test_a_colleague_cannot_read_a_draft(transcript_world, client_for):
    transcript_world.grant()
    transcript, _ = _start(transcript_world)
    url = reverse("transcripts:detail", kwargs={"org_slug": "acme", "transcript_id": transcript.pk})
    for role in ("manager", "privacy_officer", "coach", "employee"):
        assert client_for(transcript_world.cast[role]).get(url).status_code == 404, role


def test_the_administrator_marks_a_purpose_from_the_policy_edit_page(transcript_world, client_for):
    purpose = transcript_world.purposes["misconduct"]
    client = client_for(transcript_world.cast["administrator"])
    edit = reverse("policy:edit", kwargs={"org_slug": "acme", "purpose_id": purpose.pk})
    page = client.get(edit).content.decode()
    assert "data-transcript-purpose-setting" in page
    switch = reverse(
        "transcripts:purpose_switch", kwargs={"org_slug": "acme", "purpose_id": purpose.pk}
    )
    assert switch in page
    response = client.post(switch, {"on": "1", "next": edit})
    assert response.status_code == 302 and response["Location"] == edit
    assert TranscriptPurpose.objects.filter(purpose=purpose).exists()
    # A forged "next" does not send anyone elsewhere.
    response = client.post(switch, {"on": "0", "next": "https://evil.example/"})
    assert response["Location"] == reverse("transcripts:purposes", kwargs={"org_slug": "acme"})
    assert not TranscriptPurpose.objects.filter(purpose=purpose).exists()
    # The auditor reads which purposes are marked, and switches nothing.
    auditor = client_for(transcript_world.cast["auditor"])
    listing = auditor.get(reverse("transcripts:purposes", kwargs={"org_slug": "acme"}))
    assert listing.status_code == 200
    assert "data-transcript-purpose" not in listing.content.decode()
    auditor.post(switch, {"on": "1"})
    assert not TranscriptPurpose.objects.filter(purpose=purpose).exists()


def test_a_forged_grant_or_language_on_the_start_form_is_refused_beside_it(
    transcript_world, client_for
):
    transcript_world.grant()
    client = client_for(transcript_world.cast["team_leader"])
    url = reverse(
        "transcripts:start", kwargs={"org_slug": "acme", "recording_id": transcript_world.call.pk}
    )
    for data in ({"language": "xx"}, {"language": "nl", "grant": "not-a-grant"}):
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'class="errors"' in response.content.decode()
    assert not Transcript.objects.exists()
