"""Forms of the register pages: the activity with its three lists, and the recording policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from register.constants import CustomerField
from register.document import (
    ACTIVITY_FIELDS,
    ENTRY_FIELDS,
    ENTRY_TEXT_FIELDS,
    PURPOSE_FIELDS,
    RECIPIENT_FIELDS,
)
from register.models import (
    DataSubjectEntry,
    ProcessingActivity,
    Purpose,
    Recipient,
    RecordingPolicy,
)
from register.services import RegisterError

_TEXT = {"rows": 2}


class ActivityForm(forms.ModelForm):
    recorded_customer_fields = forms.MultipleChoiceField(
        label=_("Customer identification recorded with calls"),
        choices=CustomerField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProcessingActivity
        # The reference is the activity's name in the published register: it never changes.
        fields = [field for field in ACTIVITY_FIELDS if field != "reference"]
        widgets = {
            field: forms.Textarea(attrs=_TEXT)
            for field in fields
            if field not in ("name", "recorded_customer_fields")
        }


class PurposeForm(forms.ModelForm):
    class Meta:
        model = Purpose
        fields = list(PURPOSE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs=_TEXT),
            "legal_basis_note": forms.Textarea(attrs=_TEXT),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Listens, requests and the audit trail name a purpose by its code.
            self.fields["code"].disabled = True


class EntryForm(forms.ModelForm):
    class Meta:
        model = DataSubjectEntry
        fields = list(ENTRY_FIELDS)
        widgets = {field: forms.Textarea(attrs=_TEXT) for field in ENTRY_TEXT_FIELDS}


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = list(RECIPIENT_FIELDS)
        widgets = {"name": forms.Textarea(attrs=_TEXT)}


class ActivityCreateForm(ActivityForm):
    """A new activity: the reference too, which is unique in the organisation."""

    class Meta(ActivityForm.Meta):
        fields = list(ACTIVITY_FIELDS)
        widgets = ActivityForm.Meta.widgets

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["reference"].help_text = _(
            "The activity's reference in the published register, e.g. M10495. It never changes."
        )

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if ProcessingActivity.objects.filter(
            organisation=self.organisation, reference=reference
        ).exists():
            raise forms.ValidationError(
                _("The register already has an activity with this reference.")
            )
        return reference


def _formset(model: type, form: type, extra: int = 1) -> type:
    return inlineformset_factory(
        ProcessingActivity, model, form=form, extra=extra, can_delete=True, can_order=False
    )


PurposeFormSet = _formset(Purpose, PurposeForm)
EntryFormSet = _formset(DataSubjectEntry, EntryForm)
RecipientFormSet = _formset(Recipient, RecipientForm)
# A new activity: a few empty lines each, for a browser without script (with script, the page
# adds a line per click).
NewPurposeFormSet = _formset(Purpose, PurposeForm, extra=3)
NewEntryFormSet = _formset(DataSubjectEntry, EntryForm, extra=2)
NewRecipientFormSet = _formset(Recipient, RecipientForm, extra=2)


def formset_rows(formset: forms.BaseFormSet, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows a valid formset keeps, in page order, as the service takes them."""
    rows = []
    for index, form in enumerate(formset.forms):
        if index < formset.initial_form_count() and not form.instance.pk:
            # The row names a line id this activity does not have (a forged or stale page):
            # Django would quietly treat it as a new line; refuse instead.
            raise RegisterError(_("The form refers to lines that are not in this activity."))
        if not form.has_changed() and not form.instance.pk:
            continue  # the blank row for a new line, left blank
        if form.cleaned_data.get("DELETE"):
            continue
        row = {
            field: form.cleaned_data.get(field) for field in fields if field in form.cleaned_data
        }
        if form.instance.pk:
            row["id"] = form.instance.pk
            if "code" in fields:
                row["code"] = form.instance.code
        rows.append(row)
    return rows


class RecordingPolicyForm(forms.ModelForm):
    class Meta:
        model = RecordingPolicy
        fields = ["title_nl", "text_nl", "title_en", "text_en"]
        widgets = {
            "text_nl": forms.Textarea(attrs={"rows": 12}),
            "text_en": forms.Textarea(attrs={"rows": 12}),
        }
