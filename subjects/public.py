"""The organisation's public request form: no account, rate-limited, confirmed by e-mail.

A submission creates an UNCONFIRMED request and mails a confirmation link (a secret of which
only the SHA-256 is kept, valid CONFIRMATION_HOURS). Clicking it opens the request: it counts
as received that day, gets its reference and deadline, and the privacy officers are told.
Unconfirmed requests are deleted when their link has expired (subjects.tasks).

Rate limit: rows in the database (PublicSubmission, the client address only as a keyed
digest), counted under a row lock on the organisation's form, so the limit holds across every
web worker and machine without depending on a shared cache.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from organisations.models import Organisation
from recordings.identifiers import digest_normalised
from subjects import notify
from subjects.constants import (
    CONFIRMATION_HOURS,
    PUBLIC_LIMIT_PER_CLIENT,
    PUBLIC_LIMIT_PER_ORGANISATION,
    PUBLIC_LIMIT_WINDOW_MINUTES,
    SubjectReceivedVia,
    SubjectRequestStatus,
    SubjectRight,
)
from subjects.deadlines import deadline_for
from subjects.identifiers import GivenIdentifier
from subjects.models import PublicRequestForm, PublicSubmission, SubjectRequest
from subjects.services import (
    SubjectRequestError,
    identifier_kinds,
    identifiers_check,
    identifiers_store,
    next_reference,
    organisation_today,
)


class RateLimited(Exception):
    pass


def public_organisation_get(slug: str) -> Organisation | None:
    """The organisation whose form is published, or None: an unknown organisation and one
    without a published form look the same to the public."""
    form = (
        PublicRequestForm.objects.select_related("organisation")
        .filter(organisation__slug=slug, enabled=True)
        .first()
    )
    return form.organisation if form else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_key(address: str | None) -> str:
    """What the rate limit counts per client: the address, or for IPv6 its /64 network (one
    subscriber gets a whole /64 and could otherwise send from a fresh address every time)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or "unknown"
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def client_digest(address: str | None) -> str:
    return digest_normalised("client", client_key(address))


def _check_rate(organisation: Organisation, digest: str) -> None:
    since = timezone.now() - timedelta(minutes=PUBLIC_LIMIT_WINDOW_MINUTES)
    recent = PublicSubmission.objects.filter(created_at__gte=since)
    if recent.filter(client_digest=digest).count() >= PUBLIC_LIMIT_PER_CLIENT:
        raise RateLimited
    if recent.filter(organisation=organisation).count() >= PUBLIC_LIMIT_PER_ORGANISATION:
        raise RateLimited


@dataclass(frozen=True)
class Submitted:
    subject_request: SubjectRequest | None  # None for a bot caught by the honeypot


@transaction.atomic
def public_request_submit(
    *,
    organisation: Organisation,
    right: str,
    requester_name: str,
    requester_email: str,
    description: str,
    identifiers: list[GivenIdentifier],
    client_address: str | None,
    honeypot_filled: bool = False,
    language: str = "nl",
) -> Submitted:
    """Raises RateLimited, or SubjectRequestError with the reason."""
    # One submission at a time per organisation: the counts below are then exact.
    PublicRequestForm.objects.select_for_update().filter(organisation=organisation).first()
    digest = client_digest(client_address)
    _check_rate(organisation, digest)
    PublicSubmission.objects.create(organisation=organisation, client_digest=digest)
    if honeypot_filled:
        # Looks like success to the bot; nothing is stored but the count above.
        return Submitted(None)
    if right not in SubjectRight.values:
        raise SubjectRequestError(_("Choose one of the rights."), field="right")
    identifiers_check(organisation, identifiers)
    token = secrets.token_urlsafe(32)
    today = organisation_today(organisation)
    subject_request = SubjectRequest.objects.create(
        organisation=organisation,
        right=right,
        status=SubjectRequestStatus.UNCONFIRMED,
        received_on=today,
        received_via=SubjectReceivedVia.PUBLIC_FORM,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        description=description.strip(),
        deadline=deadline_for(today),
        confirmation_token_hash=token_hash(token),
        confirmation_expires_at=timezone.now() + timedelta(hours=CONFIRMATION_HOURS),
        answer_language=language if language in ("nl", "en") else "nl",
    )
    stored = identifiers_store(subject_request, identifiers)
    audit.record(
        actor=None,
        action="subjects.request.submitted",
        organisation=organisation,
        target=subject_request,
        detail={"right": right, "identifier_kinds": identifier_kinds(stored)},
    )
    transaction.on_commit(
        lambda: notify.confirmation_link(subject_request, token, language=language)
    )
    return Submitted(subject_request)


class ConfirmationError(Exception):
    pass


@dataclass(frozen=True)
class Confirmed:
    subject_request: SubjectRequest
    already: bool


def public_link_usable(*, organisation: Organisation, token: str) -> bool:
    """Whether a confirmation link still leads somewhere (for the page before the button)."""
    return (
        SubjectRequest.objects.filter(
            organisation=organisation, confirmation_token_hash=token_hash(token or "")
        )
        .filter(
            ~Q(status=SubjectRequestStatus.UNCONFIRMED)
            | Q(confirmation_expires_at__gt=timezone.now())
        )
        .exists()
    )


@transaction.atomic
def public_request_confirm(*, organisation: Organisation, token: str) -> Confirmed:
    """Open the request the link belongs to. A second click says it is already confirmed;
    an unknown or expired link raises ConfirmationError."""
    subject_request = (
        SubjectRequest.objects.select_for_update()
        .filter(organisation=organisation, confirmation_token_hash=token_hash(token or ""))
        .first()
    )
    if subject_request is None:
        raise ConfirmationError
    if subject_request.status != SubjectRequestStatus.UNCONFIRMED:
        return Confirmed(subject_request, already=True)
    if subject_request.confirmation_expires_at <= timezone.now():
        raise ConfirmationError
    today = organisation_today(organisation)
    subject_request.status = SubjectRequestStatus.OPEN
    subject_request.received_on = today
    subject_request.deadline = deadline_for(today)
    subject_request.reference = next_reference(organisation, today.year)
    subject_request.confirmed_at = timezone.now()
    subject_request.save(
        update_fields=["status", "received_on", "deadline", "reference", "confirmed_at"]
    )
    audit.record(
        actor=None,
        action="subjects.request.confirmed",
        organisation=organisation,
        target=subject_request,
        detail={
            "right": subject_request.right,
        },
    )
    transaction.on_commit(lambda: notify.request_arrived(subject_request))
    return Confirmed(subject_request, already=False)


def unconfirmed_expired_delete() -> int:
    """Unconfirmed requests whose link has expired hold personal data for nothing: delete
    them (their identifiers go with them)."""
    expired = SubjectRequest.objects.filter(
        status=SubjectRequestStatus.UNCONFIRMED, confirmation_expires_at__lte=timezone.now()
    )
    deleted = 0
    for subject_request in expired.select_related("organisation").iterator():
        with transaction.atomic():
            audit.record(
                actor=None,
                action="subjects.request.unconfirmed_deleted",
                organisation=subject_request.organisation,
                target=subject_request,
                detail={"right": subject_request.right},
            )
            subject_request.delete()
            deleted += 1
    return deleted


def submissions_prune() -> int:
    """The rate limit only looks back one window; a day is kept, then the rows go."""
    return PublicSubmission.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=1)
    ).delete()[0]
