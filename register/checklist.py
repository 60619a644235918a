"""The register's items of the setup checklist (organisations.checklist)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from organisations.checklist import ChecklistItem
from organisations.models import Organisation
from register.acknowledgement import current_policy
from register.constants import DataCategory
from register.models import DataSubjectEntry, ProcessingActivity
from register.selectors import retention_entry_for_category


def _url(name: str, organisation: Organisation) -> str:
    return reverse(name, kwargs={"org_slug": organisation.slug})


def _retention_detail(entry: DataSubjectEntry | None, missing: str) -> str:
    if entry is None:
        return missing
    return _("%(days)d days, in activity %(reference)s.") % {
        "days": entry.retention_days,
        "reference": entry.activity.reference,
    }


def register_checklist(organisation: Organisation) -> list[ChecklistItem]:
    has_activity = ProcessingActivity.objects.filter(organisation=organisation).exists()
    recording = retention_entry_for_category(
        organisation=organisation, category=DataCategory.RECORDING
    )
    case = retention_entry_for_category(organisation=organisation, category=DataCategory.CASE)
    policy = current_policy(organisation)
    return [
        ChecklistItem(
            order=10,
            label=_("A processing activity with a retention for recordings"),
            done=recording is not None,
            detail=_retention_detail(
                recording,
                _("No register line says how long recordings are kept: ingest refuses every call."),
            ),
            url=_url(
                "register:overview" if has_activity else "register:activity_new", organisation
            ),
        ),
        ChecklistItem(
            order=20,
            label=_("A retention for requests and cases"),
            done=case is not None,
            detail=_retention_detail(
                case,
                _("No register line of the category requests, cases and disclosures yet."),
            ),
            url=_url(
                "register:overview" if has_activity else "register:activity_new", organisation
            ),
        ),
        ChecklistItem(
            order=50,
            label=_("The recording policy published"),
            done=policy is not None,
            detail=(
                _("Version %(version)d, published %(when)s.")
                % {
                    "version": policy.version,
                    "when": formats.date_format(timezone.localtime(policy.published_at)),
                }
                if policy
                else _("Employees acknowledge it at their next sign-in.")
            ),
            url=_url("register:policy", organisation),
        ),
    ]
