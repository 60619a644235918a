"""Forms of data subject requests: the privacy officer's intake, the extension, the public
form. Each identifier is validated beside its field (an invalid phone number, a BSN that
fails the elfproef); a BSN field exists only where the register declares BSNs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisations.widgets import DateInput
from recordings.identifiers import IdentifierError
from subjects.constants import (
    EXTENSION_MAX_MONTHS,
    AnswerLanguage,
    IdentifierKind,
    SubjectReceivedVia,
    SubjectRight,
)
from subjects.identifiers import GivenIdentifier, identifier_given, split_values

_PHONE_HELP = _(
    "Any way of writing it: 06-12345678, +31 6 1234 5678, 0031612345678. Several: one per line."
)


class IdentifiersMixin:
    """Turns the identifier fields into GivenIdentifier rows; errors beside the field."""

    name_field = "subject_name"

    def _add_identifier_fields(self, *, bsn: bool) -> None:
        if not bsn:
            self.fields.pop("bsn", None)

    def clean_phones(self):
        given = []
        for value in split_values(self.cleaned_data.get("phones", "")):
            try:
                given.append(identifier_given(IdentifierKind.PHONE, value))
            except IdentifierError as error:
                raise forms.ValidationError(str(error)) from None
        return [item for item in given if item]

    def clean_bsn(self):
        try:
            return identifier_given(IdentifierKind.BSN, self.cleaned_data.get("bsn", ""))
        except IdentifierError as error:
            raise forms.ValidationError(str(error)) from None

    def given_identifiers(self) -> list[GivenIdentifier]:
        data = self.cleaned_data
        given: list[GivenIdentifier | None] = list(data.get("phones") or [])
        given.append(identifier_given(IdentifierKind.NAME, data.get(self.name_field, "")))
        given.append(
            identifier_given(IdentifierKind.CUSTOMER_NUMBER, data.get("customer_number", ""))
        )
        given.append(identifier_given(IdentifierKind.EMAIL, data.get("requester_email", "")))
        if "bsn" in self.fields:
            given.append(data.get("bsn"))
        return [item for item in given if item]


class SubjectRequestForm(IdentifiersMixin, forms.Form):
    right = forms.ChoiceField(label=_("Right"), choices=SubjectRight.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    received_via = forms.ChoiceField(
        label=_("Received via"),
        choices=[c for c in SubjectReceivedVia.choices if c[0] != SubjectReceivedVia.PUBLIC_FORM],
    )
    requester_name = forms.CharField(label=_("Requester's name"), max_length=200)
    requester_email = forms.EmailField(
        label=_("Requester's e-mail address"),
        required=False,
        help_text=_("Also searched for: cases and copies sent to this address."),
    )
    subject_name = forms.CharField(
        label=_("Name of the person the request is about"),
        max_length=200,
        required=False,
        help_text=_("As the calls would carry it. Empty: the requester's name is searched for."),
    )
    phones = forms.CharField(
        label=_("Phone number(s)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_PHONE_HELP,
    )
    customer_number = forms.CharField(label=_("Customer number"), max_length=100, required=False)
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=20,
        required=False,
        help_text=_("Only shown again as its last three digits."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    answer_language = forms.ChoiceField(
        label=_("Language of the answer"), choices=AnswerLanguage.choices
    )

    def __init__(self, *args, bsn_declared: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._add_identifier_fields(bsn=bsn_declared)
        self.bsn_posted = bool(not bsn_declared and self.data.get("bsn", "").strip())

    def clean(self):
        cleaned = super().clean()
        if self.bsn_posted:
            raise forms.ValidationError(
                _(
                    "This organisation's register does not declare that calls carry a BSN, so "
                    "a BSN is not asked for or stored."
                )
            )
        if not cleaned.get("subject_name"):
            cleaned["subject_name"] = cleaned.get("requester_name", "")
        return cleaned


class ExtensionForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Extend by"), coerce=int, choices=[])
    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Complexity or number of requests (art. 12(3) GDPR); the requester is told."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (months, ngettext("%(months)d month", "%(months)d months", months) % {"months": months})
            for months in range(1, EXTENSION_MAX_MONTHS + 1)
        ]


class PublicRequestForm(IdentifiersMixin, forms.Form):
    name_field = "requester_name"

    right = forms.ChoiceField(label=_("What do you ask for?"), choices=SubjectRight.choices)
    requester_name = forms.CharField(label=_("Your name"), max_length=200)
    requester_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send a link to confirm it; the request counts from that day."),
    )
    phones = forms.CharField(
        label=_("Phone number(s) you called from or were called on"),
        required=False,
        max_length=500,
        # The help asks for one number a line: a single-line input could not take a second.
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_PHONE_HELP,
    )
    customer_number = forms.CharField(
        label=_("Customer number, if you have one"), max_length=100, required=False
    )
    bsn = forms.CharField(label=_("BSN (citizen service number)"), max_length=20, required=False)
    description = forms.CharField(
        label=_("Your request"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Anything that helps us find your data, such as the dates of your calls."),
    )
    # The honeypot: hidden from people by the stylesheet; a bot fills it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, bsn_declared: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._add_identifier_fields(bsn=bsn_declared)
        self.bsn_posted = bool(not bsn_declared and self.data.get("bsn", "").strip())

    def clean(self):
        cleaned = super().clean()
        if self.bsn_posted:
            raise forms.ValidationError(_("This organisation does not ask for a BSN."))
        return cleaned

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get("website", "").strip())
