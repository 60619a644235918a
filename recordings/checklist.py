"""Ingest's item of the setup checklist (organisations.checklist)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.checklist import ChecklistItem
from organisations.models import Organisation
from recordings.models import IngestToken, Recording


def ingest_checklist(organisation: Organisation) -> list[ChecklistItem]:
    """Done once a call has arrived; until then it says what is ready to send one."""
    first = (
        Recording.objects.filter(organisation=organisation)
        .order_by("ingested_at")
        .values_list("ingested_at", flat=True)
        .first()
    )
    now = timezone.now()
    tokens = (
        IngestToken.objects.filter(organisation=organisation, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )
    folder = Path(settings.DROP_FOLDER) / organisation.slug
    parts = [
        ngettext("%(count)d active ingest token.", "%(count)d active ingest tokens.", tokens)
        % {"count": tokens},
        _("Drop folder %(folder)s is ready.") % {"folder": folder}
        if folder.is_dir()
        else _("No drop folder %(folder)s.") % {"folder": folder},
    ]
    if first is not None:
        parts.insert(
            0,
            _("The first call arrived %(when)s.")
            % {"when": formats.date_format(timezone.localtime(first))},
        )
    return [
        ChecklistItem(
            order=60,
            label=_("Calls arriving through an ingest token or the drop folder"),
            done=first is not None,
            detail=" ".join(parts),
            url=reverse("recordings_tokens:list", kwargs={"org_slug": organisation.slug}),
        )
    ]
