"""A small register for the register's own tests, and the edit form as a browser posts it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from register.forms import ActivityForm, EntryFormSet, PurposeFormSet, RecipientFormSet
from register.models import ProcessingActivity
from register.services import activity_create


def small_register(organisation, *, retention_days: int = 28) -> ProcessingActivity:
    return activity_create(
        organisation=organisation,
        actor=None,
        reference="R1",
        name="Gespreksopname",
        description="Opnemen en terugluisteren",
        purposes=[
            {
                "code": "coaching",
                "description": "Coaching en monitoring",
                "legal_basis": "legitimate_interest",
                "legal_basis_note": "Kwaliteitsverbetering.",
            },
            {
                "code": "misconduct",
                "description": "Ernstig verwijtbare gedraging",
                "legal_basis": "legitimate_interest",
            },
        ],
        data_subject_entries=[
            {
                "subject_category": "Klanten",
                "personal_data": "Telefoonnummer en stem",
                "collection_purpose": "Kwaliteit",
                "data_category": "recording",
                "retention_value": retention_days,
                "retention_unit": "days",
                "retention_text": f"Uiterlijk {retention_days} dagen na de opnamedatum.",
            }
        ],
        recipients=[{"name": "Coaches", "kind": "internal_role", "role": "coach"}],
        recorded_customer_fields=["phone"],
    )


def edit_url(activity: ProcessingActivity) -> str:
    return reverse(
        "register:activity_edit",
        kwargs={"org_slug": activity.organisation.slug, "activity_id": activity.pk},
    )


def _initial(form) -> dict[str, Any]:
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        key = form.add_prefix(name)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list):
            data[key] = [str(item) for item in value]
        elif hasattr(value, "pk"):
            data[key] = str(value.pk)
        else:
            data[key] = str(value)
    return data


def edit_form_data(activity: ProcessingActivity) -> dict[str, Any]:
    """What the edit page posts when the person changes nothing: its own initial values."""
    activity = ProcessingActivity.objects.get(pk=activity.pk)
    data = _initial(ActivityForm(instance=activity))
    for prefix, formset_class in (
        ("purposes", PurposeFormSet),
        ("entries", EntryFormSet),
        ("recipients", RecipientFormSet),
    ):
        formset = formset_class(instance=activity, prefix=prefix)
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[management.add_prefix(name)] = str(management.initial[name])
        for form in formset.forms:
            # The blank row for a new line posts its defaults too, as a browser does.
            data.update(_initial(form))
            if form.instance.pk:
                data[form.add_prefix("id")] = str(form.instance.pk)
    return data
