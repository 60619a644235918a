"""The audit trail's links to ingest tokens (a call's own link is access's: its page is there)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_target_link, resolver_for
from recordings.constants import AudioKeyKind
from recordings.models import AudioKey, IngestToken


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
    # An audio key has no page: the trail names its day or hold.
    register_target_link(
        "recordings.audiokey",
        resolver_for(lambda org: AudioKey.objects.filter(organisation=org), label=_audio_key_label),
        noun=gettext_lazy("audio key"),
    )


def _audio_key_label(audio_key: AudioKey) -> str:
    if audio_key.kind == AudioKeyKind.DAY:
        return _("key of deadline day %(day)s") % {"day": audio_key.day.isoformat()}
    return _("key of legal hold %(hold)s") % {"hold": audio_key.hold_ref}
