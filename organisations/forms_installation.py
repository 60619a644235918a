"""Forms of the installation pages and of invitations."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from organisations.constants import Role
from organisations.models import Organisation


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class OrganisationForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("time zone"), choices=_timezone_choices, initial="Europe/Amsterdam"
    )

    class Meta:
        model = Organisation
        fields = ["name", "slug", "timezone"]
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens; it appears in every address."),
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AdministratorInvitationForm(forms.Form):
    """The installation administrator invites an organisation's administrators only."""

    email = forms.EmailField(label=_("E-mail address of the organisation's administrator"))


class AcceptForm(UserCreationForm):
    """A new account for the invited person: username (the e-mail address unless they choose
    another) and a password that passes the installation's password validators."""

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.email = email
        self.fields["username"].initial = email
        self.fields["username"].help_text = _(
            "You sign in with it. Your e-mail address, unless you choose another."
        )
