"""What else a member can do with a call, shown on the call's page by the apps that offer it.

The call's page lives here in access/, below coaching/ in the import order: coaching registers a
provider in its AppConfig.ready() ("Evaluate this call") and access never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


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
