"""The Celery beat schedule, built in code.

Each entry can be overridden from the environment with EARSHOT_BEAT_<NAME>: a crontab of five
fields ("minute hour day-of-month month day-of-week", Europe/Amsterdam) or "disable".
Every entry expires before its next run, so a backlog never piles up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class BeatEntry:
    name: str
    task: str
    cron: str
    expires_seconds: int


DEFAULT_ENTRIES = [
    # Walk every organisation's audit chain nightly; the register shows the last result.
    BeatEntry("verify-audit-chains", "audit.tasks.verify_audit_chains", "30 3 * * *", 23 * 3600),
    # Sign a checkpoint of every audit chain head that moved, into the append-only file store.
    BeatEntry("write-audit-checkpoints", "audit.tasks.write_audit_checkpoints", "5 * * * *", 3000),
    # Count yesterday's audit events per action and purpose, for the register's evidence.
    BeatEntry("count-audit-days", "audit.tasks.count_audit_days", "15 1 * * *", 23 * 3600),
    # Take complete files from DROP_FOLDER/<slug>/; a run is stale before the next one starts.
    BeatEntry("scan-drop-folders", "recordings.tasks.scan_drop_folders", "* * * * *", 50),
    # Remove what a crashed ingest left half stored (an INCOMING row and maybe its object).
    BeatEntry(
        "sweep-incomplete-ingests", "recordings.tasks.sweep_incomplete_ingests", "17 * * * *", 3000
    ),
    # Encrypt audio stored before encryption at rest, a bounded run at a time, resumably.
    BeatEntry("seal-existing-audio", "recordings.tasks.seal_existing_audio", "*/10 * * * *", 550),
    # Erase what would outlive its retention before the next run, for every organisation:
    # hourly, so a call goes within about an hour of its deadline (retention/schedule.py).
    BeatEntry("purge-recordings", "retention.tasks.purge_all", "0 * * * *", 3000),
    # Draw the random sample's slots that have ended (N calls per employee per quarter).
    BeatEntry("draw-samples", "coaching.tasks.draw_samples", "30 6 * * *", 23 * 3600),
    # Pending requests past their time become expired; ended disclosure copies are deleted.
    BeatEntry("expire-requests", "access.tasks.expire_requests", "*/10 * * * *", 550),
    BeatEntry("expire-disclosures", "access.tasks.expire_disclosures", "*/10 * * * *", 550),
    # Warn privacy officers 7 days and 1 day before a data subject request's deadline.
    BeatEntry(
        "warn-subject-deadlines", "subjects.tasks.warn_subject_deadlines", "0 7 * * *", 23 * 3600
    ),
    # Delete public-form requests whose confirmation link expired unconfirmed.
    BeatEntry(
        "expire-subject-confirmations",
        "subjects.tasks.expire_subject_confirmations",
        "25 * * * *",
        3000,
    ),
]


def _crontab(expression: str, env_name: str) -> crontab:
    fields = expression.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{env_name} must be a crontab of five fields or 'disable', not {expression!r}"
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
    except ValueError as error:  # out of range, unknown name, a date that never occurs
        raise ImproperlyConfigured(
            f"{env_name} is not a valid crontab ({expression!r}): {error}"
        ) from error


def beat_schedule(entries: list[BeatEntry] | None = None) -> dict[str, dict]:
    schedule: dict[str, dict] = {}
    for entry in entries or DEFAULT_ENTRIES:
        env_name = "EARSHOT_BEAT_" + entry.name.upper().replace("-", "_")
        expression = os.environ.get(env_name, entry.cron).strip()
        if expression.lower() == "disable":
            continue
        schedule[entry.name] = {
            "task": entry.task,
            "schedule": _crontab(expression, env_name),
            "options": {"expires": entry.expires_seconds},
        }
    return schedule
