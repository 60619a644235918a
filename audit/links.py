"""What the trail's events name, as the page shows it: a label and a link for every target
that still exists.

audit/ is below the apps whose objects events name, so it cannot look them up itself. Each
higher app registers, in its AppConfig.ready(), a resolver per kind of target (the model's
`app_label.model_name`, as events store it): `resolver(organisation, ids) -> {id: TargetLink}`,
one query for all ids of that kind on a page. An id the resolver leaves out no longer exists
(or is a tombstone, such as a purged call): the page shows the id without a link.

Detail keys that name an object of a kind (an evaluation's `recording`, a hold's `case`) are
declared with the kind, so those objects are linked too. A finder turns what a user types (a
case reference) into ids of the kind, for the trail's search. Register purposes are named
through `register_purpose_names`, since the register is a higher app as well.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.utils.functional import Promise

from organisations.links import may_open


@dataclass(frozen=True)
class TargetLink:
    label: str
    url: str = ""


Resolver = Callable[[Any, Collection[str]], Mapping[str, TargetLink]]
Finder = Callable[[Any, str], Collection[str]]
#: openable(membership, ids) -> the ids whose page this member may open, for kinds whose page
#: decides per object (an evaluation is read by its coach and employee only).
Openable = Callable[[Any, Collection[str]], Collection[str]]


@dataclass(frozen=True)
class TargetKind:
    kind: str
    noun: str | Promise  # "call", shown with the id when the target is gone
    resolve: Resolver
    detail_keys: tuple[str, ...] = ()
    find: Finder | None = None
    openable: Openable | None = None


@dataclass
class EventTarget:
    kind: str
    id: str
    noun: str
    link: TargetLink | None = None

    @property
    def exists(self) -> bool:
        return self.link is not None

    @property
    def filter_query(self) -> str:
        """The trail's filter for every event of this object ("" where none fits): calls and
        cases by their own filter, other objects with a UUID through the search."""
        param = _FILTER_PARAMS.get(self.kind)
        if param is None and is_uuid(self.id):
            param = "q"
        return urlencode({param: self.id}) if param else ""


_FILTER_PARAMS = {"recordings.recording": "call", "access.case": "case"}


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass
class _Registry:
    kinds: dict[str, TargetKind] = field(default_factory=dict)
    purpose_names: list[Callable[[Any], Mapping[str, str]]] = field(default_factory=list)


_registry = _Registry()


def register_target_link(
    kind: str,
    resolver: Resolver,
    *,
    noun: str | Promise,
    detail_keys: Iterable[str] = (),
    finder: Finder | None = None,
    openable: Openable | None = None,
) -> None:
    """Let the trail label and link targets of `kind` (e.g. "access.case")."""
    _registry.kinds[kind] = TargetKind(kind, noun, resolver, tuple(detail_keys), finder, openable)


def register_purpose_names(provider: Callable[[Any], Mapping[str, str]]) -> None:
    """provider(organisation) -> {purpose code: the name a page shows}."""
    _registry.purpose_names.append(provider)


def purpose_names(organisation: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for provider in _registry.purpose_names:
        names.update(provider(organisation))
    return names


def detail_keys() -> dict[str, str]:
    """{detail key: kind} for every declared key."""
    return {key: kind.kind for kind in _registry.kinds.values() for key in kind.detail_keys}


def targets_find(*, organisation: Any, text: str) -> list[tuple[str, str]]:
    """(kind, id) of the objects a typed reference names, through every kind's finder."""
    found: list[tuple[str, str]] = []
    for kind in _registry.kinds.values():
        if kind.find is not None:
            found.extend((kind.kind, str(pk)) for pk in kind.find(organisation, text))
    return found


def _references(event: Any, keys: Mapping[str, str]) -> list[tuple[str, str]]:
    refs: list[tuple[str, str]] = []
    if event.target_type and event.target_id:
        refs.append((event.target_type, event.target_id))
    detail = event.detail if isinstance(event.detail, dict) else {}
    for key, kind in keys.items():
        values = detail.get(key)
        for value in values if isinstance(values, list) else [values]:
            if value not in (None, "") and (kind, str(value)) not in refs:
                refs.append((kind, str(value)))
    return refs


def _links_for_viewer(
    viewer: Any, kind: TargetKind, links: Mapping[str, TargetLink], cache: dict[str, Any]
) -> dict[str, TargetLink]:
    """The links this member may follow; the others keep their label without a link."""
    openable = set(kind.openable(viewer, list(links))) if kind.openable else None
    shown = {}
    for pk, link in links.items():
        allowed = bool(link.url) and may_open(viewer, link.url, cache)
        if allowed and openable is not None:
            allowed = pk in openable
        shown[pk] = link if allowed else TargetLink(link.label)
    return shown


def event_targets(
    *, organisation: Any, events: Iterable[Any], viewer: Any
) -> dict[int, list[EventTarget]]:
    """Each event's targets (its own and those its detail names), labelled and linked where
    they still exist and the viewer (a membership) may open their page; one resolver call per
    kind for all events."""
    kinds = _registry.kinds
    keys = detail_keys()
    # A kind no app registered has no words for the page (its code would be all there is):
    # it is left out here; the export keeps every target.
    refs_by_event = {
        event.pk: [ref for ref in _references(event, keys) if ref[0] in kinds] for event in events
    }
    wanted: dict[str, set[str]] = defaultdict(set)
    for refs in refs_by_event.values():
        for kind, pk in refs:
            wanted[kind].add(pk)
    resolved: dict[str, Mapping[str, TargetLink]] = {}
    permissions: dict[str, Any] = {}  # the viewer's rights, read once for the page
    for kind, ids in wanted.items():
        links = kinds[kind].resolve(organisation, ids)
        resolved[kind] = _links_for_viewer(viewer, kinds[kind], links, permissions)
    return {
        event_pk: [
            EventTarget(
                kind=kind,
                id=pk,
                noun=str(kinds[kind].noun),
                link=resolved[kind].get(pk),
            )
            for kind, pk in refs
        ]
        for event_pk, refs in refs_by_event.items()
    }


def resolver_for(
    queryset: Callable[[Any], Any],
    *,
    label: Callable[[Any], str],
    url_name: str = "",
    url_kwargs: Callable[[Any], dict[str, Any] | None] | None = None,
) -> Resolver:
    """The usual resolver: `queryset(organisation)` (the organisation's live objects of the
    kind), each labelled by `label(obj)` and linked to `url_name` with `url_kwargs(obj)` (the
    org_slug added; None: the object exists but has no page); ids that are not valid keys of
    the model are left out."""
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    def resolve(organisation: Any, ids: Collection[str]) -> dict[str, TargetLink]:
        objects = queryset(organisation)
        keys = []
        for pk in ids:
            try:
                keys.append(objects.model._meta.pk.to_python(pk))
            except ValidationError:
                continue
        links = {}
        for obj in objects.filter(pk__in=keys):
            url = ""
            kwargs = url_kwargs(obj) if url_kwargs else {}
            if url_name and kwargs is not None:
                url = reverse(url_name, kwargs={"org_slug": organisation.slug, **kwargs})
            links[str(obj.pk)] = TargetLink(label(obj), url)
        return links

    return resolve
