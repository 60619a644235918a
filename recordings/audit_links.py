"""The audit trail's links to ingest tokens (a call's own link is access's: its page is there)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_target_link, resolver_for
from recordings.models import IngestToken


def register_audit_links() -> None:
    register_target_link(
        "recordings.ingesttoken",
        resolver_for(
            lambda org: IngestToken.objects.filter(organisation=org),
            label=lambda token: _("ingest token %(name)s") % {"name": token.name},
            url_name="recordings_tokens:list",
        ),
        noun=gettext_lazy("ingest token"),
    )
