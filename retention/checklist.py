"""The purge's item of the setup checklist (organisations.checklist)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from organisations.checklist import ChecklistItem
from organisations.models import Organisation
from retention.constants import RunStatus
from retention.models import PurgeRun


def purge_checklist(organisation: Organisation) -> list[ChecklistItem]:
    first = (
        PurgeRun.objects.filter(organisation=organisation, status=RunStatus.FINISHED)
        .order_by("started_at")
        .first()
    )
    return [
        ChecklistItem(
            order=70,
            label=_("The first purge run"),
            done=first is not None,
            detail=(
                _("Finished %(when)s.")
                % {"when": formats.date_format(timezone.localtime(first.finished_at))}
                if first
                else _("The purge has not finished a run for this organisation yet.")
            ),
            url=reverse("retention:overview", kwargs={"org_slug": organisation.slug}),
        )
    ]
