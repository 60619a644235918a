from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordingsConfig(AppConfig):
    name = "recordings"
    verbose_name = _("Recordings")

    def ready(self) -> None:
        # Registers the key store and delivery checks (encryption at rest).
        from organisations.checklist import checklist_provider
        from recordings import checks  # noqa: F401
        from recordings.checklist import ingest_checklist

        checklist_provider(ingest_checklist)
        # The audit trail's labels and links for this app's objects.
        from recordings.audit_links import register_audit_links as audit_links

        audit_links()
