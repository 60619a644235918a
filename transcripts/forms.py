"""Forms of the transcript pages; the rules live in the services, these only read input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from transcripts.constants import (
    MAX_SPEAKER_CHARS,
    MAX_UTTERANCE_CHARS,
    DecisionOutcome,
    RedactionKind,
    Speaker,
    TranscriptLanguage,
)
from transcripts.timecodes import format_seconds, parse_seconds


class StartForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the call"),
        choices=TranscriptLanguage.choices,
        initial=TranscriptLanguage.NL,
    )
    grant = forms.ChoiceField(label=_("Under the grant"), required=False)

    def __init__(self, *args, grants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant"].choices = [
            (str(g.pk), f"{g.request.purpose.code}: {g.request.purpose.description[:80]}")
            for g in grants
        ]


class UtteranceForm(forms.Form):
    start = forms.CharField(
        label=_("Start"),
        max_length=20,
        widget=forms.TextInput(attrs={"data-start": "", "inputmode": "decimal"}),
        help_text=_("The moment in the call, e.g. 00:01:23 (the player's time is filled in)."),
    )
    end = forms.CharField(label=_("End (optional)"), max_length=20, required=False)
    speaker = forms.ChoiceField(label=_("Speaker"), choices=Speaker.choices)
    speaker_label = forms.CharField(
        label=_("Other speaker's label"),
        max_length=MAX_SPEAKER_CHARS,
        required=False,
        help_text=_("For another speaker, e.g. Interpreter. Not a name."),
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=MAX_UTTERANCE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "data-text": ""}),
        error_messages={"required": _("The utterance has no text.")},
    )

    @classmethod
    def for_utterance(cls, utterance, **kwargs) -> UtteranceForm:
        known = utterance.speaker in Speaker.values
        return cls(
            initial={
                "start": format_seconds(utterance.start_seconds),
                "end": format_seconds(utterance.end_seconds),
                "speaker": utterance.speaker if known else Speaker.OTHER,
                "speaker_label": "" if known else utterance.speaker,
                "text": utterance.text,
            },
            **kwargs,
        )

    def clean_start(self) -> float:
        seconds = parse_seconds(self.cleaned_data["start"])
        if seconds is None:
            raise forms.ValidationError(
                _("The start time is not a time: write it as 00:01:23 or 1:23.")
            )
        return seconds

    def clean_end(self) -> float | None:
        value = self.cleaned_data["end"].strip()
        if not value:
            return None
        seconds = parse_seconds(value)
        if seconds is None:
            raise forms.ValidationError(
                _("The end time is not a time: write it as 00:01:23 or 1:23.")
            )
        return seconds

    def speaker_value(self) -> str:
        speaker = self.cleaned_data["speaker"]
        label = " ".join(self.cleaned_data.get("speaker_label", "").split())
        return label if speaker == Speaker.OTHER and label else speaker


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Text file"))


class ManualRedactionForm(forms.Form):
    utterance = forms.IntegerField(label=_("Utterance"))
    kind = forms.ChoiceField(label=_("Kind"), choices=RedactionKind.choices)
    start = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput(attrs={"data-span-start": ""})
    )
    end = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput(attrs={"data-span-end": ""})
    )
    exact = forms.CharField(
        label=_("Text to redact"),
        max_length=MAX_UTTERANCE_CHARS,
        required=False,
        widget=forms.TextInput(attrs={"data-exact": ""}),
        help_text=_("Select it in the utterance, or type it exactly as it is written."),
    )
    occurrence = forms.IntegerField(
        label=_("Which occurrence"), min_value=1, initial=1, required=False
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you send it back: say what must change."),
    )


class ExportForm(forms.Form):
    email = forms.EmailField(label=_("Customer's e-mail address"))
    recipient = forms.ChoiceField(label=_("Recipient"), required=False)
    keep = forms.BooleanField(
        label=_("Keep the exported anonymised version with the case"), required=False
    )

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [(str(r.pk), r.name) for r in recipients]
