"""PostgreSQL for the test suite: Django's backend with a flush that deletes instead of truncating.

After every transactional test (browser tests, the real Celery worker's, concurrency tests)
Django flushes all ~90 tables. TRUNCATE gives each table, index and TOAST table new files,
which took 0.5 to 4 s per flush on a two-core machine; DELETE FROM on the few rows a test
left takes a few tens of milliseconds. The append-only triggers of the audit trail and of used
QM form versions would refuse those deletes, so the flush runs as replication does
(session_replication_role = replica: no user triggers, no foreign-key checks, for this
transaction only). That needs a superuser, as the suite's default `postgres` is; for any other
user, and when sequences must restart, Django's own TRUNCATE runs.
"""

from __future__ import annotations

from django.db.backends.postgresql import base


class DatabaseOperations(base.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or not self.connection.is_superuser():
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(t)};" for t in tables),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_superuser(self) -> bool:
        with self.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            return cursor.fetchone()[0]
