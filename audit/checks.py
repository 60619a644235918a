"""System checks: the append-only triggers exist on the default database, and production has
a signing key for the trail's checkpoints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

from audit.triggers import triggers_applicable, triggers_missing


@checks.register(checks.Tags.database)
def append_only_triggers(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    """Runs with every command that checks (runserver, check, migrate), not only with
    --database: a trail without its triggers must never go unnoticed."""
    errors = []
    for alias in databases or ["default"]:
        connection = connections[alias]
        try:
            if not triggers_applicable(connection):
                continue  # not migrated yet: migrate installs them
            missing = triggers_missing(connection)
        except (DatabaseError, RuntimeError):
            # The database does not answer (Django's own checks and pages say so), or the
            # test runner blocks database access (RuntimeError) where a test has none.
            continue
        if missing:
            errors.append(
                checks.Error(
                    f"The audit trail's append-only triggers are missing or disabled on "
                    f"database {alias!r}: {', '.join(missing)}. Audit events can be changed "
                    "or deleted.",
                    hint="`manage.py migrate --skip-checks` reinstalls them; then run "
                    "`manage.py verify_audit` to see whether the trail was changed meanwhile.",
                    id="audit.E001",
                )
            )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def signing_key_configured(app_configs: Any = None, **kwargs: Any) -> list:
    if not settings.AUDIT_SIGNING_KEY_FILE:
        return [
            checks.Warning(
                "EARSHOT_AUDIT_SIGNING_KEY_FILE is not set: the audit trail gets no signed "
                "checkpoints, so a database writer can rewrite it unseen.",
                hint="Create a key with `manage.py audit_keygen /path/outside/the/database` "
                "and set EARSHOT_AUDIT_SIGNING_KEY_FILE to it.",
                id="audit.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def signing_key_readable(app_configs: Any = None, **kwargs: Any) -> list:
    from audit.signing import SigningKeyError, signing_key, verify_keys

    try:
        if settings.AUDIT_SIGNING_KEY_FILE:
            signing_key()
        verify_keys()
    except SigningKeyError as error:
        return [checks.Error(str(error), id="audit.E002")]
    return []
