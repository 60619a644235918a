"""What transcripts/ adds to pages of lower apps: the dashboard's to-do for approvers and the
"Type a transcript" link on a call's page (registered in TranscriptsConfig.ready())."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from access.actions import RecordingAction
from organisations import roles
from organisations.todo import Todo, WorkItem, person, todo_group
from recordings.labels import call_title
from transcripts.constants import TranscriptStatus
from transcripts.models import Transcript
from transcripts.policy import transcript_grants, transcripts_waiting_for


def transcripts_waiting(membership) -> list[Todo]:
    """Dashboard: transcripts this member may approve; the author's own sent back or approved
    (to change, or to export), each due before its call is erased or its grant ends."""
    slug = membership.organisation.slug
    url = reverse("transcripts:list", kwargs={"org_slug": slug})

    def item(transcript: Transcript) -> WorkItem:
        deadline = transcript.recording.purge_deadline
        if transcript.author_id == membership.user_id and transcript.grant.expires_at < deadline:
            deadline = transcript.grant.expires_at
        return WorkItem(
            title=call_title(transcript.recording),
            url=reverse(
                "transcripts:detail", kwargs={"org_slug": slug, "transcript_id": transcript.pk}
            ),
            deadline=deadline,
            detail=_("%(purpose)s · typed by %(who)s")
            % {"purpose": transcript.purpose.label, "who": person(transcript.author)},
        )

    todos = []
    if membership.user.has_perm(f"organisations.{roles.APPROVE_REQUESTS}", membership.organisation):
        todos.append(
            todo_group(
                _("Anonymised transcripts waiting for your approval"),
                url,
                transcripts_waiting_for(membership),
                item,
            )
        )
    own = Transcript.objects.filter(
        organisation=membership.organisation_id, author=membership.user_id
    ).select_related("recording__employee__team", "grant", "purpose", "author")
    for status, label in (
        (TranscriptStatus.SENT_BACK, _("Your transcripts sent back for changes")),
        (TranscriptStatus.APPROVED, _("Your approved transcripts to export to the customer")),
    ):
        todos.append(
            todo_group(
                label, url, own.filter(status=status).order_by("recording__purge_deadline"), item
            )
        )
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
