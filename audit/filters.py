"""The audit-trail page's filters: a GET form whose values become a query on one chain.

Dates are days in the organisation's time zone (activated by organisation_view). A value that
is not valid (a malformed date, a call id that is no id) makes the form invalid: the page says
what is wrong and shows no events rather than a trail filtered on half the criteria.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.catalogue import EVENTS
from audit.links import is_uuid, purpose_names, targets_find
from organisations.models import Membership
from organisations.widgets import DateInput

CALL = "recordings.recording"
CASE = "access.case"
MAX_SEQUENCE = 2**63 - 1
FILTER_FIELDS = ("start", "end", "action", "person", "purpose", "call", "case", "q")


def person_name(user: Any) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


def _members(organisation: Any) -> list[tuple[str, str]]:
    users = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(organisation=organisation).values("user_id")
    )
    return sorted(((str(u.pk), person_name(u)) for u in users), key=lambda c: c[1].lower())


class TrailFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    action = forms.ChoiceField(label=_("Action"), required=False)
    person = forms.ChoiceField(label=_("Person"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False)
    call = forms.CharField(
        label=_("Call"),
        required=False,
        max_length=64,
        help_text=_("The call's id, as in the address of its page."),
    )
    case = forms.CharField(
        label=_("Case"), required=False, max_length=64, help_text=_("Reference or id.")
    )
    q = forms.CharField(
        label=_("Search by id"),
        required=False,
        max_length=64,
        help_text=_("An event number, or the id or reference of a call, request or case."),
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        everything = [("", _("All"))]
        self.fields["action"].choices = everything + sorted(
            ((code, str(sentence)) for code, sentence in EVENTS.items()), key=lambda c: c[1]
        )
        self.fields["person"].choices = everything + _members(organisation)
        self.purpose_names = purpose_names(organisation)
        self.fields["purpose"].choices = everything + sorted(
            self.purpose_names.items(), key=lambda c: c[1].lower()
        )
        self.case_ids: list[str] = []
        self.searched: Q | None = None

    # The date input sends ISO dates whatever the page's language.
    start.input_formats = end.input_formats = ["%Y-%m-%d"]

    def clean_call(self) -> str:
        value = self.cleaned_data["call"].strip()
        if value and not is_uuid(value):
            raise forms.ValidationError(_("This is not a call id."))
        return _canonical(value) if value else ""

    def clean_case(self) -> str:
        value = self.cleaned_data["case"].strip()
        if not value:
            return ""
        self.case_ids = [
            pk
            for kind, pk in targets_find(organisation=self.organisation, text=value)
            if kind == CASE
        ]
        if is_uuid(value):
            self.case_ids.append(_canonical(value))
        if not self.case_ids:
            raise forms.ValidationError(_("This organisation has no case with this reference."))
        return value

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        if not value:
            return ""
        if value.lstrip("#").isascii() and value.lstrip("#").isdigit():
            # An event number; one past any chain's length (a bigint) simply finds nothing.
            number = int(value.lstrip("#"))
            self.searched = Q(sequence=number) if number <= MAX_SEQUENCE else Q(pk__in=[])
        elif is_uuid(value):
            self.searched = _names(_canonical(value))
        else:
            found = targets_find(organisation=self.organisation, text=value)
            if not found:
                raise forms.ValidationError(
                    _("Type an event number, an id or a reference; nothing here has %(value)s.")
                    % {"value": value}
                )
            self.searched = Q(pk__in=[])
            for _kind, pk in found:
                self.searched |= _names(pk)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def active(self) -> dict[str, str]:
        """The filters in use, as their query-string values (for links and the export)."""
        return {
            name: str(self.data[name]) for name in FILTER_FIELDS if self.data.get(name, "") != ""
        }

    def query(self) -> Q:
        """The cleaned filters as a condition on the organisation's events."""
        data = self.cleaned_data
        condition = Q()
        zone = timezone.get_current_timezone()
        if data.get("start"):
            condition &= Q(created_at__gte=datetime.combine(data["start"], time.min, zone))
        if data.get("end") and data["end"] < date.max:  # the last day there is: no bound
            after = datetime.combine(data["end"] + timedelta(days=1), time.min, zone)
            condition &= Q(created_at__lt=after)
        if data.get("action"):
            condition &= Q(action=data["action"])
        if data.get("person"):
            condition &= Q(actor_id=int(data["person"]))
        if data.get("purpose"):
            condition &= Q(purpose=data["purpose"])
        if data.get("call"):
            condition &= _names(data["call"], kind=CALL)
        if data.get("case"):
            either = Q(pk__in=[])
            for pk in self.case_ids:
                either |= _names(pk, kind=CASE)
            condition &= either
        if self.searched is not None:
            condition &= self.searched
        return condition


def _canonical(value: str) -> str:
    """An id as events store it: lower case with dashes, also when typed without them, in
    capitals or in braces."""
    return str(uuid.UUID(value))


def _names(pk: str, *, kind: str | None = None) -> Q:
    """Events whose target is this object or whose detail names it (an id is a UUID, so
    finding it in the detail's text is finding it as a value)."""
    own = Q(target_id=pk) if kind is None else Q(target_type=kind, target_id=pk)
    return own | Q(detail__icontains=pk)
