"""Writes of data subject requests by the privacy officer: register, extend the deadline,
publish the public form. The public form's own writes are in subjects/public.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from organisations.models import Membership, Organisation
from recordings.metadata import declared_customer_fields
from register.constants import CustomerField
from subjects.constants import (
    EXTENSION_MAX_MONTHS,
    REFERENCE_PREFIX,
    AnswerLanguage,
    IdentifierKind,
    SubjectReceivedVia,
    SubjectRequestStatus,
    SubjectRight,
)
from subjects.deadlines import deadline_for, extended_deadline_for
from subjects.identifiers import GivenIdentifier
from subjects.models import (
    PublicRequestForm,
    SubjectIdentifier,
    SubjectReferenceCounter,
    SubjectRequest,
)
from subjects.selectors import subject_request_get


class SubjectRequestError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def bsn_declared(organisation: Organisation) -> bool:
    """A BSN may be asked for only where the register declares that calls carry one."""
    return CustomerField.BSN in declared_customer_fields(organisation)


# A request received before the GDPR applied is a typing error (a year 1900, 0202).
GDPR_APPLIES_FROM = date(2018, 5, 25)


def organisation_today(organisation: Organisation) -> date:
    from zoneinfo import ZoneInfo

    return timezone.now().astimezone(ZoneInfo(organisation.timezone)).date()


def next_reference(organisation: Organisation, year: int) -> str:
    """AVG-<year>-<number>, numbered per organisation and year. The counter row is locked, so
    two requests registered at once never get one number. Call inside a transaction."""
    SubjectReferenceCounter.objects.bulk_create(
        [SubjectReferenceCounter(organisation=organisation, year=year)], ignore_conflicts=True
    )
    counter = SubjectReferenceCounter.objects.select_for_update().get(
        organisation=organisation, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{REFERENCE_PREFIX}-{year}-{counter.last_number:04d}"


def identifiers_check(organisation: Organisation, identifiers: Iterable[GivenIdentifier]) -> None:
    for identifier in identifiers:
        if identifier.kind not in IdentifierKind.values:
            raise SubjectRequestError(_("Unknown kind of identifier."))
        if identifier.kind == IdentifierKind.BSN and not bsn_declared(organisation):
            raise SubjectRequestError(
                _(
                    "This organisation's register does not declare that calls carry a BSN, so "
                    "a BSN is not asked for or stored."
                ),
                field="bsn",
            )


def identifiers_store(subject_request: SubjectRequest, identifiers: Iterable[GivenIdentifier]):
    seen: set[tuple[str, str]] = set()
    rows = []
    for identifier in identifiers:
        if (identifier.kind, identifier.digest) in seen:
            continue
        seen.add((identifier.kind, identifier.digest))
        rows.append(
            SubjectIdentifier(
                request=subject_request,
                kind=identifier.kind,
                digest=identifier.digest,
                display=identifier.display,
            )
        )
    SubjectIdentifier.objects.bulk_create(rows)
    return rows


def identifier_kinds(identifiers: Iterable[Any]) -> list[str]:
    """For audit details: the kinds of the identifiers given, never their values."""
    return sorted(identifier.kind for identifier in identifiers)


@transaction.atomic
def subject_request_register(
    *,
    membership: Membership,
    right: str,
    received_on: date,
    received_via: str,
    requester_name: str,
    requester_email: str = "",
    description: str = "",
    identifiers: list[GivenIdentifier],
    answer_language: str = AnswerLanguage.NL,
    ip_address: str | None = None,
) -> SubjectRequest:
    organisation = membership.organisation
    if right not in SubjectRight.values:
        raise SubjectRequestError(_("Choose one of the rights."), field="right")
    if received_via not in SubjectReceivedVia.values:
        raise SubjectRequestError(_("Choose how the request was received."), field="received_via")
    if received_on > organisation_today(organisation):
        raise SubjectRequestError(_("A request cannot be received in the future."), "received_on")
    if received_on < GDPR_APPLIES_FROM:
        raise SubjectRequestError(
            _("The GDPR applies from 25 May 2018: check the date the request was received."),
            "received_on",
        )
    if not requester_name.strip():
        raise SubjectRequestError(_("Give the requester's name."), field="requester_name")
    if not identifiers:
        raise SubjectRequestError(
            _("Give at least one identifier of the person: a phone number, name, customer number.")
        )
    identifiers_check(organisation, identifiers)
    subject_request = SubjectRequest(
        organisation=organisation,
        reference=next_reference(organisation, received_on.year),
        right=right,
        status=SubjectRequestStatus.OPEN,
        received_on=received_on,
        received_via=received_via,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        description=description.strip(),
        deadline=deadline_for(received_on),
        created_by=membership.user,
        confirmed_at=timezone.now(),
        answer_language=answer_language
        if answer_language in AnswerLanguage.values
        else AnswerLanguage.NL,
    )
    subject_request.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            subject_request.save(force_insert=True)
    except IntegrityError:
        raise SubjectRequestError(_("A request with this reference already exists.")) from None
    stored = identifiers_store(subject_request, identifiers)
    audit.record(
        actor=membership.user,
        action="subjects.request.registered",
        organisation=organisation,
        target=subject_request,
        detail={
            "right": right,
            "received_via": received_via,
            "identifier_kinds": identifier_kinds(stored),
        },
        ip_address=ip_address,
    )
    return subject_request


@transaction.atomic
def subject_request_extend(
    *,
    membership: Membership,
    subject_request_id: Any,
    months: int,
    reason: str,
    ip_address: str | None = None,
) -> SubjectRequest:
    """Extend the deadline once, by one or two further months, with the reason (art. 12(3))."""
    subject_request = subject_request_get(
        membership=membership, subject_request_id=subject_request_id
    )
    subject_request = SubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
    if subject_request.status != SubjectRequestStatus.OPEN:
        raise SubjectRequestError(_("Only an open request can be extended."))
    if subject_request.extended_deadline is not None:
        raise SubjectRequestError(_("The deadline was already extended; it can be extended once."))
    if months not in range(1, EXTENSION_MAX_MONTHS + 1):
        raise SubjectRequestError(_("Extend by one or two months."), field="months")
    if not reason.strip():
        raise SubjectRequestError(
            _("Say why the request needs more time; the requester is told."), field="reason"
        )
    subject_request.extended_deadline = extended_deadline_for(subject_request.received_on, months)
    subject_request.extension_reason = reason.strip()
    subject_request.extended_by = membership.user
    subject_request.extended_at = timezone.now()
    subject_request.save(
        update_fields=["extended_deadline", "extension_reason", "extended_by", "extended_at"]
    )
    audit.record(
        actor=membership.user,
        action="subjects.request.extended",
        organisation=membership.organisation,
        target=subject_request,
        detail={
            "months": months,
        },
        ip_address=ip_address,
    )
    return subject_request


@transaction.atomic
def public_form_set(
    *, membership: Membership, enabled: bool, ip_address: str | None = None
) -> PublicRequestForm:
    """Publish or withdraw the organisation's public request form."""
    form, _created = PublicRequestForm.objects.select_for_update().get_or_create(
        organisation=membership.organisation
    )
    if form.enabled == enabled:
        return form
    form.enabled = enabled
    form.changed_by = membership.user
    form.save()
    audit.record(
        actor=membership.user,
        action="subjects.public_form.published" if enabled else "subjects.public_form.withdrawn",
        organisation=membership.organisation,
        target=form,
        detail={"enabled": enabled},
        ip_address=ip_address,
    )
    return form
