"""Ingest API tokens: shown once at creation, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

import audit
from organisations.models import Organisation
from recordings.models import IngestToken

PREFIX = "es_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def ingest_token_create(
    *, organisation: Organisation, name: str, actor: Any | None
) -> tuple[IngestToken, str]:
    raw = PREFIX + secrets.token_urlsafe(32)
    token = IngestToken(organisation=organisation, name=name, token_hash=_hash(raw))
    token.full_clean()
    with transaction.atomic():
        token.save()
        audit.record(
            actor=actor, action="recordings.token.created", organisation=organisation, target=token
        )
    return token, raw


def ingest_token_revoke(*, token: IngestToken, actor: Any | None) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="recordings.token.revoked",
            organisation=token.organisation,
            target=token,
        )


def ingest_token_authenticate(*, raw: str) -> IngestToken | None:
    if not raw.startswith(PREFIX):
        return None
    token = (
        IngestToken.objects.select_related("organisation")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        IngestToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
