"""Evidence beside the register's lines, computed from live data by the apps that know it.

The register never imports the higher apps (access, retention): they register a provider in
their AppConfig.ready(), and the register page asks every provider for its lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from organisations.models import Organisation


@dataclass(frozen=True)
class Evidence:
    section: str  # "retention", "purposes", "recipients" or "audit"
    label: str
    value: str
    ok: bool = True  # False: shown in red, as a mismatch between declared and done
    url: str = ""  # where the cause can be seen


Provider = Callable[[Organisation], Iterable[Evidence]]
_providers: list[Provider] = []


def evidence_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def evidence_for(organisation: Organisation) -> list[Evidence]:
    return [line for provider in _providers for line in provider(organisation)]
