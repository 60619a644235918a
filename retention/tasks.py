"""Celery tasks of the retention engine: thin wrappers around retention/purge.py."""

from __future__ import annotations

from celery import shared_task

from organisations.models import Organisation


@shared_task(name="retention.tasks.purge_all")
def purge_all() -> list[str]:
    """Every hour from beat (EARSHOT_BEAT_PURGE_RECORDINGS): one purge task per organisation,
    so one slow or failing tenant does not hold up the others."""
    slugs = list(Organisation.objects.order_by("slug").values_list("slug", flat=True))
    for slug in slugs:
        purge_organisation_task.delay(slug)
    return slugs


@shared_task(name="retention.tasks.purge_organisation", acks_late=True)
def purge_organisation_task(slug: str, trigger: str | None = None) -> dict[str, object]:
    """One organisation's purge, never two at once: while an earlier run still works this one
    does nothing and says so (in the log and in its result); the earlier run erases what
    became due meanwhile before it ends."""
    from retention.constants import RunTrigger
    from retention.purge import purge_exclusively

    organisation = Organisation.objects.get(slug=slug)
    done = purge_exclusively(organisation, trigger=trigger or RunTrigger.SCHEDULE)
    if done.skipped:
        running = done.skipped_for
        return {
            "skipped": "another run of this organisation is still running",
            "running_since": running.started_at.isoformat() if running else None,
        }
    return {
        "runs": len(done.runs),
        "purged": sum(run.purged for run in done.runs),
        "failed": sum(run.failed for run in done.runs),
        "overdue": done.runs[-1].overdue,
    }
