"""What waits for a member, shown on the dashboard. organisations/ is the lowest app, so the
apps that know what waits (access, retention) register a provider in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from organisations.models import Membership


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str


Provider = Callable[[Membership], Iterable[Todo]]
_providers: list[Provider] = []


def todo_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todos_for(membership: Membership) -> list[Todo]:
    return [todo for provider in _providers for todo in provider(membership) if todo.count]
