"""The sign-in's second step: a code from the authenticator app, or a backup code."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.backup_codes import BACKUP_CODE, normalise_backup_code

TOTP_CODE = re.compile(r"^\d{6}$")


class SecondStepForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app, or a backup code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )

    def clean_token(self) -> str:
        typed = self.cleaned_data["token"].strip()
        if TOTP_CODE.match(typed):
            self.kind = "totp"
            return typed
        code = normalise_backup_code(typed)
        if BACKUP_CODE.match(code):
            self.kind = "backup"
            return code
        raise forms.ValidationError(
            _(
                "Enter the six digits your app shows, or one of your backup codes (eight "
                "letters and digits)."
            )
        )


class ResetRequestForm(forms.Form):
    """An administrator asks to reset a member's lost device. Only members of this
    organisation who sign in with two-factor here are offered (and accepted)."""

    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose one of the listed members.")},
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the device was lost and how you checked that it is the member asking."),
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        from organisations.twofactor_resets import members_resettable

        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members_resettable(organisation=organisation)
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.user.get_username()} ({m.get_role_display()})"
        )
