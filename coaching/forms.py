"""The QM form builder's form: one row per criterion, with the title of its section.

A flat list keeps the page free of script: consecutive rows with the same section title form
one section, in the order the titles first appear.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from coaching.constants import AnswerType, CriterionKind


class CriterionRowForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=200)
    text = forms.CharField(label=_("Criterion"), max_length=300)
    guidance = forms.CharField(
        label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    answer_type = forms.ChoiceField(
        label=_("Answer"), choices=AnswerType.choices, initial=AnswerType.YES_NO
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=100, initial=1)
    kind = forms.ChoiceField(
        label=_("Counts as"), choices=CriterionKind.choices, initial=CriterionKind.NORMAL
    )
    not_applicable_allowed = forms.BooleanField(
        label=_("N/A allowed"), required=False, initial=True
    )


CriterionRowFormSet = formset_factory(CriterionRowForm, extra=3, can_delete=True)


class NewFormForm(forms.Form):
    name = forms.CharField(label=_("Name of the form"), max_length=200)


def rows_from_content(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"section": section["title"], **criterion}
        for section in content
        for criterion in section["criteria"]
    ]


def content_from_formset(formset) -> list[dict[str, Any]]:
    sections: dict[str, list[dict[str, Any]]] = {}
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        title = data["section"].strip()
        sections.setdefault(title, []).append(
            {
                "text": data["text"].strip(),
                "guidance": data.get("guidance", "").strip(),
                "answer_type": data["answer_type"],
                "weight": data["weight"],
                "kind": data["kind"],
                "not_applicable_allowed": data.get("not_applicable_allowed", False),
            }
        )
    return [{"title": title, "criteria": criteria} for title, criteria in sections.items()]
