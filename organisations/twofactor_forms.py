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
