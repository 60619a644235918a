"""Validation of a call's metadata, the same for upload, API and drop folder.

Customer identification is accepted only where the organisation's register declares it; a
phone number becomes E.164, a BSN must pass the elfproef, a postcode must be Dutch.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as nl_bsn
from stdnum.nl import postcode as nl_postcode

from organisations.models import Employee, Organisation
from recordings.constants import Direction
from register.constants import CustomerField
from register.models import ProcessingActivity

CUSTOMER_FIELD_FOR_KEY = {
    "customer_phone": CustomerField.PHONE,
    "customer_name": CustomerField.NAME,
    "customer_address": CustomerField.ADDRESS,
    "customer_postcode": CustomerField.POSTCODE,
    "customer_bsn": CustomerField.BSN,
    "customer_gender": CustomerField.GENDER,
    "customer_date_of_birth": CustomerField.DATE_OF_BIRTH,
}
DIRECTION_ALIASES = {"in": Direction.INBOUND, "out": Direction.OUTBOUND}


def declared_customer_fields(organisation: Organisation) -> set[str]:
    declared: set[str] = set()
    for fields in ProcessingActivity.objects.filter(organisation=organisation).values_list(
        "recorded_customer_fields", flat=True
    ):
        declared.update(fields or [])
    return declared


class RecordingMetadataForm(forms.Form):
    call_id = forms.CharField(label=_("Call id"), max_length=128)
    started_at = forms.DateTimeField(label=_("Start of the call"))
    duration_seconds = forms.FloatField(label=_("Duration (s)"), required=False, min_value=0)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    queue = forms.CharField(label=_("Queue / line"), max_length=100, required=False)
    agent_id = forms.CharField(label=_("PBX agent id"), max_length=64, required=False)
    announcement = forms.CharField(
        label=_("Recording announcement"),
        max_length=100,
        required=False,
        help_text=_("Identifier or version of the announcement that told the caller."),
    )
    customer_phone = forms.CharField(
        label=_("Customer phone number"), max_length=40, required=False
    )
    customer_name = forms.CharField(label=_("Customer name"), max_length=200, required=False)
    customer_address = forms.CharField(label=_("Customer address"), max_length=300, required=False)
    customer_postcode = forms.CharField(label=_("Customer postcode"), max_length=10, required=False)
    customer_bsn = forms.CharField(label=_("Customer BSN"), max_length=20, required=False)
    customer_gender = forms.CharField(label=_("Customer gender"), max_length=20, required=False)
    customer_date_of_birth = forms.DateField(label=_("Customer date of birth"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        data = kwargs.get("data", args[0] if args else None)
        if isinstance(data, dict) and isinstance(data.get("direction"), str):
            data = {
                **data,
                "direction": DIRECTION_ALIASES.get(
                    data["direction"].lower(), data["direction"].lower()
                ),
            }
            if args:
                args = (data, *args[1:])
            else:
                kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.unknown_keys = sorted(set(data or {}) - set(self.fields)) if data else []

    def clean_started_at(self):
        value = self.cleaned_data["started_at"]
        if timezone.is_naive(value):
            # A recorder that sends local time means the organisation's local time.
            value = timezone.make_aware(value, ZoneInfo(self.organisation.timezone))
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The call cannot start in the future."))
        return value

    def clean_customer_phone(self):
        value = self.cleaned_data["customer_phone"].strip()
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "NL")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(
                _("%(value)s is not a phone number Earshot recognises."), params={"value": value}
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean_customer_bsn(self):
        value = self.cleaned_data["customer_bsn"].strip()
        if not value:
            return ""
        try:
            return nl_bsn.validate(value)
        except StdnumError:
            raise forms.ValidationError(_("This BSN does not pass the elfproef.")) from None

    def clean_customer_postcode(self):
        value = self.cleaned_data["customer_postcode"].strip()
        if not value:
            return ""
        try:
            return nl_postcode.validate(value)
        except StdnumError:
            raise forms.ValidationError(_("This is not a Dutch postcode.")) from None

    def clean_agent_id(self):
        value = self.cleaned_data["agent_id"].strip()
        if not value:
            return None
        employee = Employee.objects.filter(
            organisation=self.organisation, pbx_agent_id=value
        ).first()
        if employee is None:
            raise forms.ValidationError(
                _("No employee of this organisation has PBX agent id %(value)s."),
                params={"value": value},
            )
        return employee

    def clean(self):
        cleaned = super().clean()
        if self.unknown_keys:
            raise forms.ValidationError(
                _("Unknown metadata fields: %(keys)s."),
                params={"keys": ", ".join(self.unknown_keys)},
            )
        declared = declared_customer_fields(self.organisation)
        for key, field in CUSTOMER_FIELD_FOR_KEY.items():
            if cleaned.get(key) and field not in declared:
                self.add_error(
                    key,
                    _("This organisation's register does not declare that calls carry this field."),
                )
        return cleaned

    def model_fields(self) -> dict[str, Any]:
        """The validated metadata as Recording field values."""
        data = dict(self.cleaned_data)
        data["employee"] = data.pop("agent_id")
        return data


def metadata_errors(form: forms.Form) -> str:
    """One readable sentence per problem, field label first."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            parts.append(f"{label}: {error}" if label else str(error))
    return " ".join(parts)
