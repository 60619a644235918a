"""How a call is named on a page where a person must recognise it: by when it was made and
whose team took it ("Call of 3 Dec 14:05 · team Zuid"), never by its PBX call id alone."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from recordings.constants import RecordingStatus
from recordings.models import Recording


def call_when(recording: Recording) -> str:
    if recording.status == RecordingStatus.PURGED:
        # A tombstone keeps the day of the call, not its time: "00:00" would be made up.
        # Translators: day and short month of an erased call, as in "3 Dec".
        day = timezone.localtime(recording.started_at).date()
        return formats.date_format(day, pgettext("call day", "j M"))
    # Translators: day, short month and time of a call in a title, as in "3 Dec 14:05".
    return formats.date_format(
        timezone.localtime(recording.started_at), pgettext("call", "j M H:i")
    )


def call_title(recording: Recording) -> str:
    """ "Call of 3 Dec 14:05 · team Zuid" (the team of the call's employee, when known)."""
    title = _("Call of %(when)s") % {"when": call_when(recording)}
    employee = recording.employee
    team = employee.team if employee is not None else None
    if team is not None:
        if team.name.lower().startswith(("team", _("team").lower())):
            title = _("%(call)s · %(team)s") % {"call": title, "team": team.name}  # "Team Zuid"
        else:
            title = _("%(call)s · team %(team)s") % {"call": title, "team": team.name}
    return title
