"""What transcripts/ adds to pages of lower apps: the dashboard's to-do for approvers and the
"Type a transcript" link on a call's page (registered in TranscriptsConfig.ready())."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from access.actions import RecordingAction
from organisations import roles
from organisations.todo import Todo
from transcripts.constants import TranscriptStatus
from transcripts.models import Transcript
from transcripts.policy import transcript_grants, transcripts_waiting_for


def transcripts_waiting(membership) -> list[Todo]:
    """Dashboard: transcripts this member may approve; the author's own sent back or approved
    (to change, or to export)."""
    url = reverse("transcripts:list", kwargs={"org_slug": membership.organisation.slug})
    todos = []
    if membership.user.has_perm(f"organisations.{roles.APPROVE_REQUESTS}", membership.organisation):
        count = len(transcripts_waiting_for(membership))
        todos.append(Todo(_("Anonymised transcripts waiting for your approval"), count, url))
    own = Transcript.objects.filter(
        organisation=membership.organisation_id, author=membership.user_id
    )
    sent_back = own.filter(status=TranscriptStatus.SENT_BACK).count()
    approved = own.filter(status=TranscriptStatus.APPROVED).count()
    todos.append(Todo(_("Your transcripts sent back for changes"), sent_back, url))
    todos.append(Todo(_("Your approved transcripts to export to the customer"), approved, url))
    return todos


def recording_transcript_actions(membership, recording) -> list[RecordingAction]:
    slug = membership.organisation.slug
    actions = []
    mine = Transcript.objects.filter(recording=recording, author=membership.user_id)
    for transcript in mine:
        actions.append(
            RecordingAction(
                _("Open the transcript (%(status)s)")
                % {"status": transcript.get_status_display().lower()},
                reverse(
                    "transcripts:detail", kwargs={"org_slug": slug, "transcript_id": transcript.pk}
                ),
            )
        )
    typed_under = {t.request_id for t in mine}
    grants = transcript_grants(membership=membership, recording=recording)
    if any(grant.request_id not in typed_under for grant in grants):
        actions.append(
            RecordingAction(
                _("Type a transcript"),
                reverse(
                    "transcripts:start", kwargs={"org_slug": slug, "recording_id": recording.pk}
                ),
            )
        )
    return actions
