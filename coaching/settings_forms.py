"""The coaching settings form: choices only from this organisation (its register's purposes,
its active members with a coaching role); the service checks them again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.coaching_settings import (
    MAX_DISPUTE_DAYS,
    MAX_DISPUTES,
    MAX_PER_QUARTER,
    SettingsValues,
    arbiter_candidates,
    sample_purposes,
)
from coaching.constants import SampleMode


class ArbiterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class CoachingSettingsForm(forms.Form):
    per_quarter = forms.IntegerField(
        label=_("Calls per employee per quarter"),
        min_value=0,
        max_value=MAX_PER_QUARTER,
        help_text=_("0: no random sample."),
    )
    mode = forms.ChoiceField(label=_("When the sample is drawn"), choices=SampleMode.choices)
    purpose = forms.ModelChoiceField(
        label=_("Purpose the sample serves"),
        queryset=None,
        required=False,
        help_text=_("A purpose of the processing register; needed when calls are drawn."),
    )
    dispute_days = forms.IntegerField(
        label=_("Days to dispute a released evaluation"),
        min_value=0,
        max_value=MAX_DISPUTE_DAYS,
    )
    max_disputes = forms.IntegerField(
        label=_("Disputes per evaluation"), min_value=0, max_value=MAX_DISPUTES
    )
    arbiter = ArbiterChoiceField(
        label=_("Arbiter"),
        queryset=None,
        required=False,
        empty_label=_("No arbiter: the coach answers disputes"),
        help_text=_("Answers disputes besides the coach: an active coach, team leader or manager."),
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = sample_purposes(organisation)
        self.fields["arbiter"].queryset = arbiter_candidates(organisation)
        self.fields["arbiter"].error_messages["invalid_choice"] = _(
            "The arbiter must be an active coach, team leader or manager of this organisation."
        )
        self.fields["purpose"].error_messages["invalid_choice"] = _(
            "Choose a purpose of this organisation's register."
        )

    def clean(self):
        data = super().clean()
        if data.get("per_quarter") and not data.get("purpose"):
            self.add_error("purpose", _("Choose the purpose the sample serves."))
        return data

    def values(self) -> SettingsValues:
        data = self.cleaned_data
        return SettingsValues(
            per_quarter=data["per_quarter"],
            mode=data["mode"],
            purpose=data["purpose"],
            dispute_days=data["dispute_days"],
            max_disputes=data["max_disputes"],
            arbiter=data["arbiter"],
        )

    @classmethod
    def initial_from(cls, values: SettingsValues) -> dict:
        return {
            "per_quarter": values.per_quarter,
            "mode": values.mode,
            "purpose": values.purpose,
            "dispute_days": values.dispute_days,
            "max_disputes": values.max_disputes,
            "arbiter": values.arbiter,
        }
