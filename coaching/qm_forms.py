"""QM forms: building them, publishing a version, and editing without touching a used version.

A form's content is given as plain data, the shape the builder page posts and the demo loads:
[{"title": "...", "criteria": [{"text": ..., "guidance": ..., "answer_type": ..., "weight": ...,
"kind": ..., "not_applicable_allowed": ...}, ...]}, ...].
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from coaching.constants import AnswerType, CriterionKind, VersionStatus
from coaching.models import Criterion, FormSection, FormVersion, FormVersionInUse, QMForm
from organisations.models import Organisation

CRITERION_FIELDS = ("text", "guidance", "answer_type", "weight", "kind", "not_applicable_allowed")


class FormError(Exception):
    """A form the builder refuses; the message is for the coach."""


def version_content(version: FormVersion) -> list[dict[str, Any]]:
    """The sections and criteria of a version, as plain data."""
    return [
        {
            "title": section.title,
            "criteria": [
                {field: getattr(criterion, field) for field in CRITERION_FIELDS}
                for criterion in section.criteria.all()
            ],
        }
        for section in version.sections.prefetch_related("criteria")
    ]


def version_criteria(version: FormVersion) -> list[Criterion]:
    """The criteria of a version in the order the form shows them."""
    return list(
        Criterion.objects.filter(section__version=version).order_by("section__position", "position")
    )


def _check_content(sections: list[dict[str, Any]]) -> None:
    if not any(section.get("criteria") for section in sections):
        raise FormError(_("A form needs at least one criterion."))
    for section in sections:
        if not (section.get("title") or "").strip():
            raise FormError(_("Every section needs a title."))
        for criterion in section.get("criteria", []):
            if (
                criterion.get("kind") == CriterionKind.FATAL
                and criterion.get("answer_type", AnswerType.YES_NO) != AnswerType.YES_NO
            ):
                raise FormError(_("A fatal criterion is met or not: give it the answer yes / no."))


def _write_content(version: FormVersion, sections: list[dict[str, Any]]) -> None:
    for position, spec in enumerate(sections):
        section = FormSection(version=version, position=position, title=spec["title"].strip())
        section.full_clean(exclude=["version"])
        section.save()
        for number, fields in enumerate(spec.get("criteria", [])):
            criterion = Criterion(section=section, position=number, **fields)
            try:
                criterion.full_clean(exclude=["section"])
            except ValidationError as error:
                raise FormError(" ".join(error.messages)) from error
            criterion.save()


@transaction.atomic
def form_create(
    *, organisation: Organisation, name: str, sections: list[dict[str, Any]], actor: Any
) -> FormVersion:
    """A new form with its first version, as a draft."""
    _check_content(sections)
    if QMForm.objects.filter(organisation=organisation, name=name.strip()).exists():
        raise FormError(_("There is already a form with this name."))
    form = QMForm.objects.create(organisation=organisation, name=name.strip())
    version = FormVersion.objects.create(form=form, number=1, created_by=actor)
    _write_content(version, sections)
    return version


@transaction.atomic
def version_for_editing(*, form: QMForm, actor: Any) -> FormVersion:
    """The version an edit goes into: the newest one while no evaluation has used it, else a
    new draft copied from it. A used version is never changed."""
    QMForm.objects.select_for_update().filter(pk=form.pk).first()
    latest = form.versions.order_by("-number").first()
    if latest is not None and not latest.in_use:
        return latest
    number = (form.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = FormVersion.objects.create(form=form, number=number, created_by=actor)
    if latest is not None:
        _write_content(draft, version_content(latest))
    return draft


@transaction.atomic
def version_replace_content(*, version: FormVersion, sections: list[dict[str, Any]]) -> None:
    """Replace the sections and criteria of a version no evaluation has used."""
    version = FormVersion.objects.select_for_update().get(pk=version.pk)
    if version.in_use:
        raise FormVersionInUse(f"{version} is used by evaluations")
    _check_content(sections)
    for section in version.sections.all():
        section.delete()
    _write_content(version, sections)


@transaction.atomic
def version_publish(*, version: FormVersion, actor: Any) -> FormVersion:
    """Make this version the one new evaluations use; the one before it is retired."""
    version = FormVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == VersionStatus.PUBLISHED:
        return version
    FormVersion.objects.filter(form=version.form, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED
    )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        action="coaching.form.published",
        organisation=version.form.organisation,
        target=version,
        detail={"version": version.number},
    )
    return version


def published_versions(organisation: Organisation):
    return FormVersion.objects.filter(
        form__organisation=organisation, status=VersionStatus.PUBLISHED
    ).select_related("form")
