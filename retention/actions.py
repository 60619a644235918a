"""Place a legal hold from a call's page and from calls ticked in the list (access.actions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from access.actions import RecordingAction, SelectionAction
from access.request_memo import member_has_perm
from organisations import roles
from recordings.constants import RecordingStatus


def _may_place(membership) -> bool:
    return member_has_perm(membership, f"organisations.{roles.PLACE_LEGAL_HOLD}")


def _url(membership) -> str:
    return reverse("retention:hold_new", kwargs={"org_slug": membership.organisation.slug})


def hold_call_action(membership, recording) -> list[RecordingAction]:
    if recording.status == RecordingStatus.PURGED or not _may_place(membership):
        return []
    label = _("Place a legal hold on this call")
    return [RecordingAction(label, f"{_url(membership)}?recording={recording.pk}")]


def hold_selection_action(membership) -> list[SelectionAction]:
    if not _may_place(membership):
        return []
    return [SelectionAction(_("Place a legal hold"), _url(membership))]
