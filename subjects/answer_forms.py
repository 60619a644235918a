"""Forms of the answer: prepare it (action, decision, reason, language, what a copy holds) and
reject a prepared one (with a reason)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from subjects.answer_constants import AnswerAction, CopyMedia
from subjects.constants import AnswerLanguage, SubjectDecision


class AnswerForm(forms.Form):
    # Prefixed: the request page holds other forms (the deadline's extension has a "reason").
    prefix = "answer"

    action = forms.ChoiceField(label=_("Answer"), choices=AnswerAction.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=SubjectDecision.choices)
    reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("The letter states it as written here."),
    )
    language = forms.ChoiceField(label=_("Language of the letter"), choices=AnswerLanguage.choices)
    media = forms.ChoiceField(
        label=_("What the copy holds of each call"),
        choices=CopyMedia.choices,
        required=False,
        initial=CopyMedia.AUDIO,
    )

    def __init__(self, *args, actions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if actions is not None:
            self.fields["action"].choices = [
                (value, label) for value, label in AnswerAction.choices if value in actions
            ]


class RejectForm(forms.Form):
    prefix = "reject"

    reason = forms.CharField(
        label=_("Why is the answer rejected?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
