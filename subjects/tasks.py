"""Celery tasks of data subject requests: thin wrappers (beat schedule in earshot/beat.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="subjects.tasks.warn_subject_deadlines")
def warn_subject_deadlines() -> int:
    from subjects.warnings import deadline_warnings_send

    return deadline_warnings_send()


@shared_task(name="subjects.tasks.expire_subject_confirmations")
def expire_subject_confirmations() -> dict[str, int]:
    from subjects.public import submissions_prune, unconfirmed_expired_delete

    return {"deleted": unconfirmed_expired_delete(), "submissions_pruned": submissions_prune()}
