"""The database refuses to change audit events after every migration, on PostgreSQL and SQLite,
and a missing trigger fails loudly (system check; reinstalled after migrate)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

import audit
from audit.apps import triggers_after_migrate
from audit.checks import append_only_triggers
from audit.triggers import triggers_missing
from organisations.tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]


def _sqlite_env(database: Path, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARSHOT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="earshot.settings",
        DATABASE_URL=f"sqlite:///{database}",
        EARSHOT_DEBUG="1",
        EARSHOT_VAR_DIR=str(var_dir),
    )
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A fresh SQLite database after a plain `migrate`, as `make run` creates it."""
    folder = tmp_path_factory.mktemp("sqlite")
    database = folder / "earshot.sqlite3"
    result = _manage("migrate", "--noinput", env=_sqlite_env(database, folder / "var"))
    assert result.returncode == 0, result.stdout + result.stderr
    return database


@pytest.fixture
def sqlite_copy(migrated_sqlite, tmp_path) -> Path:
    database = tmp_path / "earshot.sqlite3"
    shutil.copy(migrated_sqlite, database)
    return database


_INSERT = (
    "INSERT INTO audit_auditevent (chain, sequence, created_at, actor_label, action, "
    "target_type, target_id, purpose, detail, previous_hash, hash) "
    "VALUES ('organisation:1', 1, '2026-01-01', '', 'auth.signout', '', '', '', '{}', ?, ?)"
)


def _sqlite_with_an_event(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(_INSERT, ["0" * 64, "a" * 64])
    return db


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'changed'",
        "DELETE FROM audit_auditevent",
        # Replacing by primary key, and by (chain, sequence): SQLite deletes the old row
        # without firing delete triggers.
        "INSERT OR REPLACE INTO audit_auditevent (id, chain, sequence, created_at, actor_label,"
        " action, target_type, target_id, purpose, detail, previous_hash, hash) SELECT id,"
        " chain, sequence, created_at, '', 'changed', '', '', '', '{}', previous_hash, hash"
        " FROM audit_auditevent",
        "INSERT OR REPLACE INTO audit_auditevent (chain, sequence, created_at, actor_label,"
        " action, target_type, target_id, purpose, detail, previous_hash, hash) VALUES"
        " ('organisation:1', 1, '2026-01-01', '', 'changed', '', '', '', '{}', 'x', 'y')",
        "REPLACE INTO audit_auditprune (id, chain, first_retained_sequence, hash_before,"
        " removed, pruned_at) SELECT 1, 'organisation:1', 99, 'x', 0, '2026-01-01'",
    ],
    ids=["update", "delete", "replace-by-id", "replace-by-sequence", "forge-prune"],
)
def test_sqlite_refuses_changes_to_events_after_migrate(sqlite_copy, statement):
    db = _sqlite_with_an_event(sqlite_copy)
    if "audit_auditprune" in statement:
        db.execute(
            "INSERT INTO audit_auditprune (chain, first_retained_sequence, hash_before, removed,"
            " pruned_at) VALUES ('organisation:9', 1, 'x', 0, '2026-01-01')"
        )
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(statement)
    assert db.execute("SELECT action FROM audit_auditevent").fetchall() == [("auth.signout",)]


def test_sqlite_check_fails_when_a_trigger_is_dropped_and_migrate_restores_it(sqlite_copy):
    env = _sqlite_env(sqlite_copy, sqlite_copy.parent / "var")
    assert _manage("check", env=env).returncode == 0
    db = sqlite3.connect(sqlite_copy, isolation_level=None)
    db.execute("DROP TRIGGER audit_event_no_delete")

    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "audit.E001" in result.stderr
    assert "audit_event_no_delete" in result.stderr

    result = _manage("migrate", "--skip-checks", env=env)
    assert result.returncode == 0, result.stderr
    assert _manage("check", env=env).returncode == 0
    db.execute(_INSERT, ["0" * 64, "a" * 64])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_auditevent")


_FUTURE_MIGRATION = """
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, models
from audit.models import AuditEvent
from audit.triggers import triggers_missing

# What a later migration that alters the event table does on SQLite: rebuild the table.
old = AuditEvent._meta.get_field("actor_label")
new = models.CharField(max_length=200, blank=True)
new.set_attributes_from_name("actor_label")
new.model = AuditEvent
with connection.schema_editor() as editor:
    editor.alter_field(AuditEvent, old, new)
print("after rebuild:", triggers_missing(connection))
emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # the end of migrate
print("after migrate:", triggers_missing(connection))
"""


def test_sqlite_table_rebuild_by_a_later_migration_gets_its_triggers_back(sqlite_copy):
    env = _sqlite_env(sqlite_copy, sqlite_copy.parent / "var")
    result = _manage("shell", "--no-imports", "-c", _FUTURE_MIGRATION, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "audit_event_no_delete" in lines[0]  # the rebuild dropped them (the original bug)
    assert lines[1] == "after migrate: []"


@pytest.mark.django_db
def test_postgresql_has_every_trigger_after_migrate():
    assert triggers_missing(connection) == []
    assert append_only_triggers(databases=["default"]) == []


@pytest.mark.django_db
def test_postgresql_refuses_an_upsert_over_an_event():
    event = audit.record(actor=None, action="auth.signout", organisation=OrganisationFactory())
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO audit_auditevent SELECT * FROM audit_auditevent WHERE id = %s "
            "ON CONFLICT (id) DO UPDATE SET action = 'changed'",
            [event.pk],
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
    ],
    ids=["dropped", "disabled"],
)
def test_postgresql_check_fails_without_the_trigger_and_migrate_restores_it(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
    (error,) = append_only_triggers(databases=["default"])
    assert error.id == "audit.E001"
    assert "audit_event_append_only" in error.msg

    triggers_after_migrate(using="default")  # what every `migrate` runs at its end
    assert append_only_triggers(databases=["default"]) == []
