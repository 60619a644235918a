"""Calls chosen on a page (ticked in the list, or the call or case being read) and carried into
a form by their ids: a request, a case, a legal hold.

The ids travel as `recording=<uuid>` in the address (a GET form, so no script is needed) and
come back as ticked boxes in the form. Only calls the person may find are offered; any other id
(mistyped, another organisation's, erased) reads alike and is refused, never shown."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from recordings.models import Recording

MAX_SELECTED = 50
PARAMETER = "recording"


def recording_line(recording: Recording) -> str:
    """A call as a person reads it: date and time, team, employee, queue (never its id)."""
    when = formats.date_format(timezone.localtime(recording.started_at), "SHORT_DATETIME_FORMAT")
    employee = recording.employee
    parts = [when]
    if employee is not None and employee.team is not None:
        parts.append(employee.team.name)
    parts.append(employee.name if employee is not None else "—")
    if recording.queue:
        parts.append(recording.queue)
    return " · ".join(parts)


@dataclass(frozen=True)
class Selection:
    recordings: list[Recording]
    refused: int  # ids that name no call this person may find


def selection_read(request: HttpRequest, recordings) -> Selection:
    """The calls named in the address (and, on a post, in the form), once each and in order,
    found among `recordings` (what the person may find)."""
    raw = request.GET.getlist(PARAMETER)
    if request.method == "POST":
        raw += request.POST.getlist(PARAMETER)
    raw = list(dict.fromkeys(raw))[: MAX_SELECTED * 2]
    wanted = []
    for value in raw:
        try:
            wanted.append(uuid.UUID(value))
        except ValueError:
            continue
    found = {
        r.pk: r
        for r in recordings.filter(pk__in=wanted).select_related("employee", "employee__team")
    }
    chosen = [found[pk] for pk in dict.fromkeys(wanted) if pk in found]
    return Selection(recordings=chosen, refused=len(raw) - len(chosen))


REFUSED = _(
    "One of the chosen calls is not a call you may find here: it may have been erased, or the "
    "link was changed. Nothing was done; choose the calls again in the list of calls."
)


def selection_refusal(request: HttpRequest, selection: Selection) -> None:
    """Say, when a form opens, that calls named in its address were left out."""
    if request.method == "GET" and selection.refused:
        messages.error(
            request,
            _(
                "Some of the chosen calls are not calls you may find here: they may have been "
                "erased, or the link was changed. They were left out of this form."
            ),
        )


class RecordingsField(forms.MultipleChoiceField):
    """The chosen calls as ticked boxes, one readable line each; untick one to leave it out."""

    widget = forms.CheckboxSelectMultiple
    row_template = "access/includes/selected_calls.html"  # a fieldset; a link to the list
    default_error_messages = {
        "invalid_choice": REFUSED,
        "required": _("Choose at least one call."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Calls"))
        super().__init__(**kwargs)
        self.recordings: dict[str, Recording] = {}

    def offer(self, recordings: Iterable[Recording]) -> None:
        self.recordings = {str(r.pk): r for r in recordings}
        self.choices = [(key, recording_line(r)) for key, r in self.recordings.items()]

    def clean(self, value) -> list[Recording]:
        keys = super().clean(value)
        if len(keys) > MAX_SELECTED:
            raise forms.ValidationError(
                _("At most %(n)d calls at once.") % {"n": MAX_SELECTED}, code="too_many"
            )
        return [self.recordings[key] for key in keys]


def selection_initial(selection: Selection) -> list[str]:
    """Every offered call ticked, as a form's initial value."""
    return [str(r.pk) for r in selection.recordings]


def selection_query(recordings: Iterable[Recording]) -> str:
    """`recording=…&recording=…` for a link that carries these calls into a form."""
    return "&".join(f"{PARAMETER}={r.pk}" for r in recordings)
