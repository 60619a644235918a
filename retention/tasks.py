"""Celery tasks of the retention engine: thin wrappers around retention/purge.py."""

from __future__ import annotations

from celery import shared_task

from organisations.models import Organisation


@shared_task(name="retention.tasks.purge_all")
def purge_all() -> list[str]:
    """Nightly from beat: one purge task per organisation, so one slow or failing tenant does
    not hold up the others."""
    slugs = list(Organisation.objects.order_by("slug").values_list("slug", flat=True))
    for slug in slugs:
        purge_organisation_task.delay(slug)
    return slugs


@shared_task(name="retention.tasks.purge_organisation", acks_late=True)
def purge_organisation_task(slug: str, trigger: str | None = None) -> dict[str, int]:
    from retention.constants import RunTrigger
    from retention.purge import purge_organisation

    organisation = Organisation.objects.get(slug=slug)
    run = purge_organisation(organisation, trigger=trigger or RunTrigger.SCHEDULE)
    return {"purged": run.purged, "failed": run.failed, "overdue": run.overdue}
