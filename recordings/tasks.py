"""Celery tasks for recordings: thin wrappers, the work is in dropfolder.py and services.py."""

from __future__ import annotations

import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings

from organisations.models import Organisation
from recordings.dropfolder import drop_folder_scan, drop_folder_sweep_rejected
from recordings.services import recordings_sweep_incomplete
from register.constants import DataCategory
from register.selectors import retention_for_category

logger = logging.getLogger(__name__)


@shared_task(name="recordings.tasks.scan_drop_folders")
def scan_drop_folders() -> dict[str, dict[str, int]]:
    """Every minute: ingest from DROP_FOLDER/<slug>/ and sweep its old rejected files.

    Overlapping runs are safe: a file is claimed by an atomic rename before it is read.
    """
    results: dict[str, dict[str, int]] = {}
    root = Path(settings.DROP_FOLDER)
    for organisation in Organisation.objects.order_by("slug"):
        folder = root / organisation.slug
        if not folder.is_dir():
            continue
        try:
            results[organisation.slug] = _scan_one(organisation, folder)
        except Exception:
            # One organisation's folder (unreadable, full disk) never stops the others' scan.
            logger.exception("Drop folder of %s: scan failed", organisation.slug)
            results[organisation.slug] = {"scan_failed": 1}
    return results


def _scan_one(organisation: Organisation, folder: Path) -> dict[str, int]:
    report = drop_folder_scan(
        organisation=organisation, folder=folder, settle_seconds=settings.DROP_SETTLE_SECONDS
    )
    counts = report.counts()
    retention = retention_for_category(organisation=organisation, category=DataCategory.RECORDING)
    if retention is None:
        # Without a declared retention nothing is ingested either; the register page
        # shows the gap. Rejected files wait until it is declared.
        logger.warning("Drop folder of %s: no recording retention declared", organisation.slug)
    else:
        # Every minute, with the scan: a rejected file is gone within a minute of its age
        # passing the retention, as the register declares for recordings.
        counts["swept"] = drop_folder_sweep_rejected(
            organisation=organisation, folder=folder, max_age_days=retention.days
        )
    return counts


@shared_task(name="recordings.tasks.sweep_incomplete_ingests")
def sweep_incomplete_ingests() -> int:
    """Hourly: remove rows (and objects) that a crashed ingest left INCOMING."""
    return recordings_sweep_incomplete()


# A bounded run, well within the ten minutes between two (the lock keeps them apart anyway).
SEAL_TASK_LIMIT = 2000
SEAL_TASK_SECONDS = 300


@shared_task(name="recordings.tasks.seal_existing_audio")
def seal_existing_audio() -> dict[str, object]:
    """Every ten minutes: seal up to SEAL_TASK_LIMIT plaintext calls stored before issue 19,
    for at most SEAL_TASK_SECONDS; one run at a time (a run that finds another still working
    does nothing). Old plaintext objects younger than the grace period are deleted next run."""
    from recordings.seal_existing import seal_existing

    outcome = seal_existing(
        limit=SEAL_TASK_LIMIT, time_budget=SEAL_TASK_SECONDS, wait_for_leftovers=False
    )
    if outcome.locked:
        return {"skipped": "another sealing run is still running"}
    return {
        "sealed": outcome.sealed,
        "failed": outcome.failed,
        "changed": outcome.changed,
        "remaining": outcome.remaining,
    }
