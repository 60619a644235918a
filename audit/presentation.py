"""Events as people read them: who did what, to which (linked) objects, for which purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from audit.catalogue import describe
from audit.filters import person_name
from audit.links import EventTarget, event_targets, purpose_names


@dataclass
class EventRow:
    event: Any
    who: str
    what: str
    purpose: str
    targets: list[EventTarget] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        return _("%(who)s %(what)s") % {"who": self.who, "what": self.what}


def _subject_id(event: Any) -> int | None:
    """Who the sentence is about: the actor, or, for an event without one about a person (a
    failed sign-in, a lock-out), that person."""
    if event.actor_id is not None:
        return event.actor_id
    if event.target_type == "auth.user" and event.target_id.isdigit():
        return int(event.target_id)
    return None


def actor_names(events: list[Any]) -> dict[int, str]:
    ids = {_subject_id(event) for event in events} - {None}
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: person_name(user) for user in users}


def who(event: Any, names: dict[int, str]) -> str:
    subject = _subject_id(event)
    if subject is None:
        return _("Earshot")  # the system itself: the purge, a scheduled job
    return names.get(subject) or event.actor_label or _("a removed user")


def event_rows(*, organisation: Any, events: list[Any], viewer: Any) -> list[EventRow]:
    """The page's rows: one query for the people, one per kind of target, one for purposes.
    Targets link only to pages the viewer (a membership) may open."""
    names = actor_names(events)
    targets = event_targets(organisation=organisation, events=events, viewer=viewer)
    purposes = purpose_names(organisation)
    return [
        EventRow(
            event=event,
            who=who(event, names),
            what=describe(event.action),
            purpose=purposes.get(event.purpose, event.purpose),
            targets=targets.get(event.pk, []),
        )
        for event in events
    ]
