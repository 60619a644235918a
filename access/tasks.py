"""Celery tasks of the gate: thin wrappers, the work is in four_eyes.py and disclosures.py."""

from __future__ import annotations

from celery import shared_task

from access.disclosures import disclosures_expire
from access.four_eyes import requests_expire


@shared_task(name="access.tasks.expire_requests")
def expire_requests() -> int:
    """Hourly: pending requests past their time become expired (the pages also check lazily)."""
    return requests_expire()


@shared_task(name="access.tasks.expire_disclosures")
def expire_disclosures() -> int:
    """Hourly: delete the copies behind disclosure links that expired or were cancelled."""
    return disclosures_expire()
