"""Forms of the ingest token page; the rules themselves live in recordings/tokens.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRY_INVALID = _("Enter a date and time such as 2027-01-31 17:00.")


class ExpiryField(forms.DateTimeField):
    """A moment in the organisation's time zone (ISO 8601; a date alone means 00:00 that day),
    or empty for no expiry. Whether it lies in the future is checked by the service."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": EXPIRY_INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Expires"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "Optional. From this moment on the API refuses the token. Leave empty for no "
                "expiry. Times are in the organisation's time zone."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (OverflowError, ValueError):
            # Far-off years the calendar cannot convert to the time zone.
            raise forms.ValidationError(EXPIRY_INVALID, code="invalid") from None


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which recorder or PBX uses it, e.g. Asterisk 1."),
    )
    expires_at = ExpiryField()


class TokenExpiryForm(forms.Form):
    expires_at = ExpiryField()
