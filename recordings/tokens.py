"""Ingest API tokens: shown once at creation, stored only as a SHA-256 hash.

An administrator (page or command) creates, expires and revokes them; each of those is an audit
event. The API refuses an expired or revoked token with a message that says so.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed

import audit
from organisations.models import Organisation
from recordings.constants import TokenStatus
from recordings.models import IngestToken

PREFIX = "es_"
# last_used_at is written at most this often per token: a busy recorder pushes calls every
# second, and the page needs only a rough "last used".
LAST_USED_RESOLUTION = timedelta(minutes=1)


class IngestTokenRefused(AuthenticationFailed):
    """A known token that may no longer be used (expired or revoked): the API answers 401 with
    this message rather than "unknown"."""


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _user_or_none(actor: Any | None) -> Any | None:
    return actor if actor is not None and actor.is_authenticated else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def ingest_token_check_expiry(*, expires_at: datetime | None) -> datetime | None:
    """The expiry as stored (UTC), or ValidationError: it must be a moment in the future."""
    if expires_at is None:
        return None
    try:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        expires_at = expires_at.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError(
            _("Enter a date and time such as 2027-01-31 17:00."), code="invalid"
        ) from None
    if expires_at <= timezone.now():
        raise ValidationError(_("Choose a moment in the future."), code="past")
    return expires_at


def _check_name(*, organisation: Organisation, name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the recorder that uses it.")})
    if IngestToken.objects.filter(
        organisation=organisation, name=name, revoked_at__isnull=True
    ).exists():
        raise ValidationError(
            {
                "name": _("A token named %(name)s exists already; choose another name.")
                % {"name": name}
            }
        )
    return name


def ingest_token_create(
    *,
    organisation: Organisation,
    name: str,
    actor: Any | None,
    expires_at: datetime | None = None,
) -> tuple[IngestToken, str]:
    """A new token and its raw value, which is never stored and cannot be shown again."""
    try:
        expires_at = ingest_token_check_expiry(expires_at=expires_at)
    except ValidationError as exc:
        raise ValidationError({"expires_at": exc.messages}) from None
    raw = PREFIX + secrets.token_urlsafe(32)
    token = IngestToken(
        organisation=organisation,
        name=_check_name(organisation=organisation, name=name),
        token_hash=_hash(raw),
        created_by=_user_or_none(actor),
        expires_at=expires_at,
    )
    token.full_clean()
    with transaction.atomic():
        token.save()
        audit.record(
            actor=actor,
            action="recordings.token.created",
            organisation=organisation,
            target=token,
            detail={"expires_at": _iso(expires_at)},
        )
    return token, raw


def ingest_token_revoke(*, token: IngestToken, actor: Any | None) -> bool:
    """Revoke the token at once. False, with nothing changed, if it was revoked already."""
    with transaction.atomic():
        now = timezone.now()
        revoked = IngestToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=_user_or_none(actor)
        )
        token.refresh_from_db()
        if not revoked:
            return False
        audit.record(
            actor=actor,
            action="recordings.token.revoked",
            organisation=token.organisation,
            target=token,
        )
    return True


def ingest_token_set_expiry(
    *, token: IngestToken, expires_at: datetime | None, actor: Any | None
) -> bool:
    """Set, change or clear (None) the expiry of a token still in use. False if unchanged;
    ValidationError for a revoked or expired token or a moment not in the future."""
    expires_at = ingest_token_check_expiry(expires_at=expires_at)
    with transaction.atomic():
        locked = IngestToken.objects.select_for_update().get(pk=token.pk)
        status = locked.status_at(timezone.now())
        if status == TokenStatus.REVOKED:
            raise ValidationError(_("This token is revoked; create a new one."), code="revoked")
        if status == TokenStatus.EXPIRED:
            raise ValidationError(_("This token has expired; create a new one."), code="expired")
        before = locked.expires_at
        if before == expires_at:
            token.refresh_from_db()
            return False
        locked.expires_at = expires_at
        locked.save(update_fields=["expires_at"])
        audit.record(
            actor=actor,
            action="recordings.token.expiry_changed",
            organisation=locked.organisation,
            target=locked,
            detail={"expires_at_before": _iso(before), "expires_at": _iso(expires_at)},
        )
    token.refresh_from_db()
    return True


def ingest_tokens_of_organisation(*, organisation: Organisation) -> QuerySet[IngestToken]:
    """Newest first, with the people who created and revoked them."""
    return (
        IngestToken.objects.filter(organisation=organisation)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def ingest_token_get_for_user(*, organisation: Organisation, token_id: int) -> IngestToken:
    """A token of the member's organisation (resolved by organisation_view); 404 otherwise."""
    token = ingest_tokens_of_organisation(organisation=organisation).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def ingest_token_authenticate(*, raw: str) -> IngestToken | None:
    """The token for a raw value; None if unknown; IngestTokenRefused if expired or revoked."""
    if not raw.startswith(PREFIX):
        return None
    token = IngestToken.objects.select_related("organisation").filter(token_hash=_hash(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    status = token.status_at(now)
    if status == TokenStatus.REVOKED:
        raise IngestTokenRefused(
            _("This token was revoked; ask an administrator of the organisation for a new one."),
            code="token_revoked",
        )
    if status == TokenStatus.EXPIRED:
        raise IngestTokenRefused(
            _(
                "This token expired at %(moment)s; ask an administrator of the organisation "
                "for a new one."
            )
            % {"moment": token.expires_at.isoformat()},
            code="token_expired",
        )
    IngestToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
        pk=token.pk,
    ).update(last_used_at=now)
    return token
