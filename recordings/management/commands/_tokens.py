"""What the ingest token commands share: the organisation by slug, and an expiry as the page
reads it (ISO 8601; a date alone means 00:00 that day, in the organisation's time zone)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone

from organisations.models import Organisation
from recordings.forms import TokenExpiryForm


def organisation_for(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"No organisation with slug {slug!r}.")
    return organisation


def parse_expiry(value: str, organisation: Organisation) -> datetime | None:
    with timezone.override(organisation.timezone):
        form = TokenExpiryForm(data={"expires_at": value})
        if not form.is_valid():
            raise CommandError(f"--expires {value!r}: " + " ".join(form.errors["expires_at"]))
        return form.cleaned_data["expires_at"]
