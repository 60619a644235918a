"""What higher apps show on a case's page (transcripts: the anonymised versions kept with the
case). The case page lives here in access/, below them in the import order: an app registers a
provider in its AppConfig.ready() and access never imports it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CaseSection:
    """A part of the case page: a template rendered with `context` (plus the page's own)."""

    template: str
    context: dict = field(default_factory=dict)


Provider = Callable[[object, object], Iterable[CaseSection]]  # (membership, case)
_providers: list[Provider] = []


def case_section_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def case_sections(membership, case) -> list[CaseSection]:
    return [section for provider in _providers for section in provider(membership, case)]
