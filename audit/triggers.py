"""The database's own refusal to change the audit trail (invariant 6), for PostgreSQL and SQLite.

Installed by migration 0007, reinstalled after every `migrate` (AuditConfig's post_migrate
step: SQLite drops a table's triggers whenever a migration rebuilds the table) and checked by
a system check, so a missing or disabled trigger fails loudly instead of silently.

Events may be deleted only through the sanctioned pruning path (audit/prune.py): the delete
trigger lets a row through only if an AuditPrune row of its chain covers its sequence. Why a
marker row rather than dropping and recreating the trigger for the prune: it works the same on
both databases, needs no DDL privilege at run time, can never leave the table unguarded (a
crash between a DROP and a CREATE), and the markers themselves are an append-only record of
every prune. A marker only covers sequences below its own, which the prune removes in the same
transaction, so it never opens the door for events that still exist or are yet to come.
Pruning without a marker (a database writer switching the trigger off) is caught by
verify_audit against the signed checkpoints.

TRUNCATE is not a row operation; production denies it through the database role's privileges
(see docs/deployment.md), and the test suite's flush relies on it.
"""

from __future__ import annotations

from typing import Any

EVENTS = "audit_auditevent"
PRUNES = "audit_auditprune"

PG_TRIGGERS = {
    # name: table
    "audit_event_append_only": EVENTS,
    "audit_prune_append_only": PRUNES,
}
PG_INSTALL = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM audit_auditprune p
        WHERE p.chain = OLD.chain AND OLD.sequence < p.first_retained_sequence
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_prune_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditprune is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
DROP TRIGGER IF EXISTS audit_prune_append_only ON audit_auditprune;
CREATE TRIGGER audit_prune_append_only
    BEFORE UPDATE OR DELETE ON audit_auditprune
    FOR EACH ROW EXECUTE FUNCTION audit_prune_refuse_change();
"""

# SQLite: INSERT OR REPLACE deletes the row it conflicts with without firing delete triggers
# (unless recursive_triggers is on), so an insert that would replace a row is refused too.
SQLITE_TRIGGERS = {
    "audit_event_no_update": """
        CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END;""",
    "audit_event_no_delete": """
        CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
        WHEN NOT EXISTS (
            SELECT 1 FROM audit_auditprune p
            WHERE p.chain = OLD.chain AND OLD.sequence < p.first_retained_sequence
        )
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END;""",
    "audit_event_no_replace": """
        CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_auditevent
        WHEN EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.id = NEW.id)
          OR EXISTS (
            SELECT 1 FROM audit_auditevent e WHERE e.chain = NEW.chain AND e.sequence = NEW.sequence
          )
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: REPLACE refused'); END;""",
    "audit_prune_no_update": """
        CREATE TRIGGER audit_prune_no_update BEFORE UPDATE ON audit_auditprune
        BEGIN SELECT RAISE(ABORT, 'audit_auditprune is append-only: UPDATE refused'); END;""",
    "audit_prune_no_delete": """
        CREATE TRIGGER audit_prune_no_delete BEFORE DELETE ON audit_auditprune
        BEGIN SELECT RAISE(ABORT, 'audit_auditprune is append-only: DELETE refused'); END;""",
    "audit_prune_no_replace": """
        CREATE TRIGGER audit_prune_no_replace BEFORE INSERT ON audit_auditprune
        WHEN EXISTS (SELECT 1 FROM audit_auditprune p WHERE p.id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'audit_auditprune is append-only: REPLACE refused'); END;""",
}


class UnsupportedDatabase(Exception):
    pass


def triggers_missing(connection: Any) -> list[str]:
    """The append-only triggers that are absent (or, on PostgreSQL, disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgenabled <> 'D' "
                "AND tgrelid IN (to_regclass(%s), to_regclass(%s))",
                [EVENTS, PRUNES],
            )
            expected = PG_TRIGGERS
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                [EVENTS, PRUNES],
            )
            expected = SQLITE_TRIGGERS
        else:
            raise UnsupportedDatabase(
                f"Earshot's audit trail has no append-only trigger for {connection.vendor}"
            )
        present = {row[0] for row in cursor.fetchall()}
    return sorted(name for name in expected if name not in present)


def triggers_install(connection: Any) -> None:
    """(Re)create every trigger; safe to run again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_INSTALL)
        elif connection.vendor == "sqlite":
            for name, statement in SQLITE_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(statement)
        else:
            raise UnsupportedDatabase(
                f"Earshot's audit trail has no append-only trigger for {connection.vendor}"
            )


def triggers_applicable(connection: Any) -> bool:
    """Whether this database holds the audit tables at a migration that has the triggers."""
    from django.db.migrations.recorder import MigrationRecorder

    tables = set(connection.introspection.table_names())
    if EVENTS not in tables or PRUNES not in tables:
        return False
    recorder = MigrationRecorder(connection)
    return (
        recorder.has_table()
        and recorder.migration_qs.filter(app="audit", name=TRIGGER_MIGRATION).exists()
    )


TRIGGER_MIGRATION = "0007_checkpoints_prune_triggers"
