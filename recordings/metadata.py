"""Validation of a call's metadata, the same for upload, API and drop folder.

Customer identification is accepted only where the organisation's register declares it; a
phone number becomes E.164, a BSN must pass the elfproef, a postcode must be Dutch. Every value
must have its field's JSON type: a call id sent as an object, or a duration sent as true, is
refused with a reason rather than stored as "{'a': 1}" or 1.0.

A start without an offset is the organisation's local time. Where the clocks change, such a
time is resolved without refusing the call (see `start_instant`), and the form says how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
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
    "customer_number": CustomerField.CUSTOMER_NUMBER,
    "customer_address": CustomerField.ADDRESS,
    "customer_postcode": CustomerField.POSTCODE,
    "customer_bsn": CustomerField.BSN,
    "customer_gender": CustomerField.GENDER,
    "customer_date_of_birth": CustomerField.DATE_OF_BIRTH,
}
DIRECTION_ALIASES = {"in": Direction.INBOUND, "out": Direction.OUTBOUND}
# No call lasts longer; a larger duration is a recorder's mistake (milliseconds, 1e308).
MAX_CALL_SECONDS = 24 * 60 * 60
# A recorder's clock may run a little ahead of ours.
FUTURE_TOLERANCE = timedelta(minutes=5)

# How a local start in a daylight-saving change was read (recorded in the ingest audit event).
# "" means there was nothing to resolve: an offset was given, or the local time occurs once.
REPEATED_EARLIER = "dst_repeated_earlier"  # 02:00-03:00 on the October night: earlier taken
REPEATED_BY_HINT = "dst_repeated_by_hint"  # ... the hint (a file's time) ruled one reading out
REPEATED_BY_FOLD = "dst_repeated_by_fold"  # ... the caller's datetime said which (fold=1)
SKIPPED = "dst_skipped"  # 02:00-03:00 on the March night: read with the winter offset
START_READINGS = {
    REPEATED_EARLIER: _(
        "The start lies in the hour that occurs twice when the clocks go back; the earlier of "
        "the two was taken. Send the start with an offset to avoid this."
    ),
    REPEATED_BY_HINT: _(
        "The start lies in the hour that occurs twice when the clocks go back; the time of "
        "the file decided which of the two."
    ),
    REPEATED_BY_FOLD: _(
        "The start lies in the hour that occurs twice when the clocks go back; the second of "
        "the two was taken, as given."
    ),
    SKIPPED: _(
        "The start lies in the hour skipped when the clocks go forward; it was read with the "
        "winter offset, an hour later on the summer clock."
    ),
}


@dataclass(frozen=True)
class StartInstant:
    instant: datetime  # aware, in UTC
    reading: str = ""


def start_instant(
    value: datetime, zone: ZoneInfo, *, latest: datetime | None = None
) -> StartInstant:
    """The instant a call's start names. An aware value is that instant. A naive one is wall
    time in `zone`; where the clocks change it is never refused:

    - repeated hour (clocks back): the two readings lie an hour apart. A datetime with
      fold=1 means the second. Otherwise, with `latest` (the call cannot have started after
      it), the later reading not after `latest`; if that leaves nothing, the earlier reading.
    - skipped hour (clocks forward): no instant has that wall time; it is read with the offset
      in force before the change, as a clock that was not put forward would show it
      (02:30 becomes 03:30 summer time).

    Raises OverflowError for a time at the edge of the calendar (year 1 or 9999).
    """
    if timezone.is_aware(value):
        return StartInstant(value.astimezone(UTC))
    # PEP 495: fold=0 is the first reading of a repeated time and, in a gap, the offset
    # before the change; fold=1 the second reading, and in a gap the offset after it.
    first = value.replace(tzinfo=zone, fold=0)
    second = value.replace(tzinfo=zone, fold=1)
    first_utc = first.astimezone(UTC)
    if first.utcoffset() == second.utcoffset():
        return StartInstant(first_utc)
    if first_utc.astimezone(zone).replace(tzinfo=None) != value.replace(fold=0):
        return StartInstant(first_utc, SKIPPED)
    second_utc = second.astimezone(UTC)
    if value.fold == 1:
        return StartInstant(second_utc, REPEATED_BY_FOLD)
    if latest is not None:
        if second_utc <= latest:
            return StartInstant(second_utc, REPEATED_BY_HINT)
        if first_utc <= latest:
            return StartInstant(first_utc, REPEATED_BY_HINT)
    return StartInstant(first_utc, REPEATED_EARLIER)


def json_type_name(value: Any) -> str:
    if value is None:
        return str(_("null"))
    if isinstance(value, bool):
        return str(_("true or false"))
    if isinstance(value, int | float):
        return str(_("a number"))
    if isinstance(value, str):
        return str(_("text"))
    if isinstance(value, list):
        return str(_("a list"))
    if isinstance(value, dict):
        return str(_("an object"))
    return type(value).__name__


class StrictTypeMixin:
    """A form field that refuses a value of another type than its own instead of coercing
    it (Django's fields call str() or float() on anything). None means absent."""

    accepted_types: tuple[type, ...] = (str,)
    expected = _("text")

    def to_python(self, value: Any) -> Any:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, self.accepted_types)
        ):
            raise forms.ValidationError(
                _("Expected %(expected)s, got %(got)s."),
                code="type",
                params={"expected": self.expected, "got": json_type_name(value)},
            )
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON "\ud800"
                raise forms.ValidationError(
                    _("This text contains characters that are not valid Unicode."),
                    code="unicode",
                ) from None
        return super().to_python(value)


class TextField(StrictTypeMixin, forms.CharField):
    pass


class TextChoiceField(StrictTypeMixin, forms.ChoiceField):
    pass


class DateOnlyField(StrictTypeMixin, forms.DateField):
    accepted_types = (str, date)
    expected = _("a date (YYYY-MM-DD)")


class SecondsField(StrictTypeMixin, forms.FloatField):
    accepted_types = (int, float)
    expected = _("a number")

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except OverflowError:  # an integer too large for a float
            raise forms.ValidationError(
                MaxValueValidator.message,
                code="max_value",
                params={"limit_value": MAX_CALL_SECONDS},
            ) from None


class LocalDateTimeField(StrictTypeMixin, forms.Field):
    """An ISO 8601 date and time, left naive when it has no offset: the form reads a naive
    time in the organisation's zone, not the server's, and settles daylight-saving hours
    itself (Django's DateTimeField refuses them)."""

    accepted_types = (str, datetime)
    expected = _("a date and time (ISO 8601)")
    default_error_messages = {"invalid": _("Enter a valid date/time.")}

    def to_python(self, value: Any) -> datetime | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def declared_customer_fields(organisation: Organisation) -> set[str]:
    declared: set[str] = set()
    for fields in ProcessingActivity.objects.filter(organisation=organisation).values_list(
        "recorded_customer_fields", flat=True
    ):
        declared.update(fields or [])
    return declared


class RecordingMetadataForm(forms.Form):
    call_id = TextField(label=_("Call id"), max_length=128)
    started_at = LocalDateTimeField(label=_("Start of the call"))
    duration_seconds = SecondsField(
        label=_("Duration (s)"), required=False, min_value=0, max_value=MAX_CALL_SECONDS
    )
    direction = TextChoiceField(label=_("Direction"), choices=Direction.choices)
    queue = TextField(label=_("Queue / line"), max_length=100, required=False)
    agent_id = TextField(label=_("PBX agent id"), max_length=64, required=False)
    announcement = TextField(
        label=_("Recording announcement"),
        max_length=100,
        required=False,
        help_text=_("Identifier or version of the announcement that told the caller."),
    )
    customer_phone = TextField(label=_("Customer phone number"), max_length=40, required=False)
    customer_name = TextField(label=_("Customer name"), max_length=200, required=False)
    customer_number = TextField(label=_("Customer number"), max_length=100, required=False)
    customer_address = TextField(label=_("Customer address"), max_length=300, required=False)
    customer_postcode = TextField(label=_("Customer postcode"), max_length=10, required=False)
    customer_bsn = TextField(label=_("Customer BSN"), max_length=20, required=False)
    customer_gender = TextField(label=_("Customer gender"), max_length=20, required=False)
    customer_date_of_birth = DateOnlyField(label=_("Customer date of birth"), required=False)

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        latest_start: datetime | None = None,
        declared_fields: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
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
        self.latest_start = latest_start
        # A batch ingest reads the register once for all its calls and passes it here.
        self.declared_fields = declared_fields
        self.unknown_keys = sorted(set(data or {}) - set(self.fields)) if data else []
        # How a local start in a clock change was read ("" when there was nothing to read).
        self.started_at_reading = ""
        self.started_at_written = ""

    def clean_started_at(self):
        value = self.cleaned_data["started_at"]
        # A recorder that sends local time means the organisation's local time.
        try:
            start = start_instant(
                value, ZoneInfo(self.organisation.timezone), latest=self.latest_start
            )
        except OverflowError:
            raise forms.ValidationError(_("Enter a valid date/time."), code="invalid") from None
        if start.instant > timezone.now() + FUTURE_TOLERANCE:
            raise forms.ValidationError(_("The call cannot start in the future."))
        if start.reading:
            self.started_at_reading = start.reading
            self.started_at_written = value.replace(tzinfo=None).isoformat()
        return start.instant

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
        employees = Employee.objects.filter(organisation=self.organisation, pbx_agent_id=value)
        employee = employees.filter(active=True).first()
        if employee is None and employees.exists():
            raise forms.ValidationError(
                _(
                    "The employee with PBX agent id %(value)s is deactivated; no new calls are "
                    "matched to them."
                ),
                params={"value": value},
            )
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
        declared = self.declared_fields
        if declared is None:
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
