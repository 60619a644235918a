from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Employee, Organisation, Team
from organisations.widgets import DateInput
from recordings.constants import Direction, RecordingStatus


class RecordingFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    employee = forms.ModelChoiceField(
        label=_("Employee"), queryset=Employee.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    queue = forms.CharField(label=_("Queue"), required=False, max_length=100)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", "—"), *Direction.choices]
    )
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", "—"),
            (RecordingStatus.ACTIVE, RecordingStatus.ACTIVE.label),
            (RecordingStatus.HELD, RecordingStatus.HELD.label),
        ],
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["employee"].queryset = Employee.objects.filter(organisation=organisation)
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "NL")
        except phonenumbers.NumberParseException:
            raise forms.ValidationError(_("Not a phone number.")) from None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def filters(self) -> dict:
        """The cleaned filters as selector arguments; days are the organisation's days."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        zone = ZoneInfo(self.organisation.timezone)
        filters = {
            key: data[key]
            for key in ("employee", "team", "queue", "direction", "status")
            if data.get(key)
        }
        if data.get("phone"):
            filters["customer_phone"] = data["phone"]
        if data.get("date_from"):
            filters["date_from"] = datetime.combine(data["date_from"], time.min, zone)
        if data.get("date_to"):
            filters["date_to"] = datetime.combine(
                data["date_to"] + timedelta(days=1), time.min, zone
            )
        return filters
