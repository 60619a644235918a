"""What else a member can do with a call, shown on the call's page by the apps that offer it,
and what they can do with calls ticked in the list of calls.

The call's page lives here in access/, below coaching/ in the import order: coaching registers a
provider in its AppConfig.ready() ("Evaluate this call") and access never imports it; retention
registers "Place a legal hold" on both. Access's own actions (a case) are registered below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from recordings.constants import RecordingStatus


@dataclass(frozen=True)
class RecordingAction:
    label: str
    url: str


Provider = Callable[[object, object], Iterable[RecordingAction]]  # (membership, recording)
_providers: list[Provider] = []


def recording_action_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def recording_actions(membership, recording) -> list[RecordingAction]:
    return [action for provider in _providers for action in provider(membership, recording)]


@dataclass(frozen=True)
class SelectionAction:
    """A button under the list of calls: the ticked calls go to `url` as `?recording=<id>…`.
    `on_case`: also offered on a case's page for its calls, with `&case=<id>`."""

    label: str
    url: str
    on_case: bool = True


SelectionProvider = Callable[[object], Iterable[SelectionAction]]  # (membership)
_selection_providers: list[SelectionProvider] = []


def selection_action_provider(provider: SelectionProvider) -> SelectionProvider:
    if provider not in _selection_providers:
        _selection_providers.append(provider)
    return provider


def selection_actions(membership) -> list[SelectionAction]:
    return [action for provider in _selection_providers for action in provider(membership)]


def _may_open_case(membership) -> bool:
    from access.four_eyes import case_kinds_visible_to

    return bool(case_kinds_visible_to(membership))


@recording_action_provider
def case_action(membership, recording) -> list[RecordingAction]:
    if recording.status == RecordingStatus.PURGED or not _may_open_case(membership):
        return []
    url = reverse("cases:new", kwargs={"org_slug": membership.organisation.slug})
    return [RecordingAction(_("Open a case about this call"), f"{url}?recording={recording.pk}")]


@selection_action_provider
def request_and_case_actions(membership) -> list[SelectionAction]:
    from access.policy import requestable_rules

    slug = membership.organisation.slug
    actions = []
    if requestable_rules(membership):
        actions.append(
            SelectionAction(_("Request access"), reverse("requests:new", kwargs={"org_slug": slug}))
        )
    if _may_open_case(membership):
        actions.append(
            SelectionAction(
                _("Open a case"), reverse("cases:new", kwargs={"org_slug": slug}), on_case=False
            )
        )
    return actions
