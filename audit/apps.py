import logging
from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Registers the checks and the receivers (two-factor sign-in and resets; invitations
        # and installation administrators).
        from audit import (  # noqa: F401
            checks,
            receivers,
            receivers_invitations,
            receivers_twofactor,
        )

        post_migrate.connect(
            triggers_after_migrate, sender=self, dispatch_uid="audit_triggers_after_migrate"
        )
        # The trail page's labels and links for people, teams, employees and invitations.
        from audit.links_organisations import register_audit_links

        register_audit_links()


class AppendOnlyTriggersMissing(RuntimeError):
    pass


def triggers_after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    """After every migrate (and flush): the append-only triggers exist, or migrate fails.

    A migration that alters the event table makes SQLite rebuild it, which drops its triggers;
    they are put back here, whatever migration did it, now or in the future."""
    from audit.triggers import triggers_applicable, triggers_install, triggers_missing

    connection = connections[using]
    if not triggers_applicable(connection):
        return
    missing = triggers_missing(connection)
    if not missing:
        return
    logger.warning("audit trail: reinstalling missing append-only triggers %s", missing)
    triggers_install(connection)
    still_missing = triggers_missing(connection)
    if still_missing:
        raise AppendOnlyTriggersMissing(
            f"The audit trail's append-only triggers {still_missing} are missing on database "
            f"{using!r} and could not be recreated."
        )
