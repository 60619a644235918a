"""The audit trail's links to data subject requests (found by their reference too)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_target_link, resolver_for
from subjects.models import SubjectRequest


def _by_reference(organisation: Any, text: str) -> list[str]:
    found = SubjectRequest.objects.filter(organisation=organisation, reference__iexact=text)
    return [str(pk) for pk in found.exclude(reference="").values_list("pk", flat=True)]


def register_audit_links() -> None:
    register_target_link(
        "subjects.subjectrequest",
        resolver_for(
            lambda org: SubjectRequest.objects.filter(organisation=org),
            label=lambda request: (
                _("data subject request %(reference)s") % {"reference": request.reference or "—"}
            ),
            url_name="subjects:detail",
            url_kwargs=lambda request: {"subject_request_id": request.pk},
        ),
        noun=gettext_lazy("data subject request"),
        detail_keys=("subject_request",),
        finder=_by_reference,
    )
