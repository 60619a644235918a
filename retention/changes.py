"""Applying the register's current recording retention to calls stamped under an earlier
period. New calls follow a change at once; existing ones only by this confirmed action, and
because a shortening erases calls, a second person must approve it."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access.four_eyes import RequestError
from organisations import roles
from organisations.models import Membership, Organisation
from recordings.constants import RecordingStatus
from recordings.models import Recording
from register.constants import DataCategory
from register.selectors import retention_for_category
from retention.constants import ChangeStatus, RunStatus, RunTrigger
from retention.models import PurgeRun, RetentionChange
from retention.rewrap import KEY_STORE_ERRORS, deadlines_apply

logger = logging.getLogger(__name__)


def declared_recording_days(organisation: Organisation) -> int | None:
    period = retention_for_category(organisation=organisation, category=DataCategory.RECORDING)
    return period.days if period else None


def calls_on_earlier_period(organisation: Organisation) -> QuerySet[Recording]:
    days = declared_recording_days(organisation)
    live = Recording.objects.filter(organisation=organisation)
    if days is None:
        return live.none()
    # Each status with "less" and with "more" (not "not equal", not "status IN"): four ranges
    # of the (organisation, status, retention_days) index. Written as one IN and one OR,
    # PostgreSQL read all ten million live calls of an organisation (0.77 s) to find none.
    ranges = Q()
    for status in (RecordingStatus.ACTIVE, RecordingStatus.HELD):
        ranges |= Q(status=status, retention_days__lt=days)
        ranges |= Q(status=status, retention_days__gt=days)
    return live.filter(ranges)


def _check(membership: Membership) -> None:
    if not membership.user.has_perm(
        f"organisations.{roles.CHANGE_RETENTION}", membership.organisation
    ):
        raise RequestError(_("Your role may not change the retention of existing calls."))


def _purge_soon(slug: str, trigger: str = RunTrigger.SCHEDULE) -> None:
    from retention.tasks import purge_organisation_task

    purge_organisation_task.delay(slug, trigger)


#: A purge asked for from the page and not started within this time is taken as lost (the
#: worker was down) and may be asked for again.
PURGE_NOW_PATIENCE = timedelta(minutes=10)


def purge_now(*, membership: Membership, ip_address: str | None = None) -> None:
    """Queue a purge of this organisation now, outside the hourly schedule: after fixing a
    storage error, or to see an overdue call go. It erases only what is due, exactly as the
    scheduled run does, so it needs no second person; who started it is in the audit trail.
    A second click while one is queued or running starts nothing (RequestError says so)."""
    from audit.models import AuditEvent

    _check(membership)
    organisation = membership.organisation
    now = timezone.now()
    with transaction.atomic():
        # Serialises two clicks: the second one sees the first one's request.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        asked = (
            AuditEvent.objects.filter(
                organisation=organisation,
                action="retention.purge.requested",
                created_at__gte=now - PURGE_NOW_PATIENCE,
            )
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        runs = PurgeRun.objects.filter(organisation=organisation)
        if asked is not None and not runs.filter(started_at__gte=asked).exists():
            raise RequestError(_("A purge is already queued; its report appears under Purge runs."))
        if runs.filter(status=RunStatus.RUNNING, started_at__gte=now - timedelta(hours=1)).exists():
            raise RequestError(
                _("A purge is running now; its report appears under Purge runs when it ends.")
            )
        audit.record(
            actor=membership.user,
            action="retention.purge.requested",
            organisation=organisation,
            ip_address=ip_address,
        )
        slug = organisation.slug
        transaction.on_commit(lambda: _purge_soon(slug, RunTrigger.REQUESTED))


@transaction.atomic
def change_propose(*, membership: Membership) -> RetentionChange:
    _check(membership)
    organisation = membership.organisation
    days = declared_recording_days(organisation)
    affected = calls_on_earlier_period(organisation).count()
    if days is None or not affected:
        raise RequestError(_("All calls already follow the declared retention."))
    if RetentionChange.objects.filter(
        organisation=organisation, status=ChangeStatus.PENDING
    ).exists():
        raise RequestError(_("A proposal is already waiting for approval."))
    change = RetentionChange.objects.create(
        organisation=organisation,
        retention_days=days,
        affected=affected,
        proposed_by=membership.user,
    )
    audit.record(
        actor=membership.user,
        action="retention.change.proposed",
        organisation=organisation,
        target=change,
        detail={"retention_days": days, "affected": affected},
    )
    return change


@transaction.atomic
def change_decide(*, membership: Membership, change_id: Any, approve: bool) -> RetentionChange:
    _check(membership)
    change = (
        RetentionChange.objects.select_for_update()
        .filter(pk=change_id, organisation=membership.organisation_id)
        .first()
    )
    if change is None:
        raise RequestError(_("No such proposal."))
    if change.status != ChangeStatus.PENDING:
        raise RequestError(_("This proposal has already been decided."))
    if change.proposed_by_id == membership.user_id:
        raise RequestError(_("A second person must approve this."))
    change.decided_by, change.decided_at = membership.user, timezone.now()
    if not approve:
        change.status = ChangeStatus.DENIED
        change.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=membership.user,
            action="retention.change.denied",
            organisation=membership.organisation,
            target=change,
        )
        return change
    if declared_recording_days(membership.organisation) != change.retention_days:
        raise RequestError(_("The register changed after this proposal; propose again."))
    # New deadlines, and each sealed call under the day key of its new one (a shortening must
    # not leave a call readable from backups until its old deadline), in this transaction.
    try:
        updated, rewrapped = deadlines_apply(
            membership.organisation,
            calls_on_earlier_period(membership.organisation),
            change.retention_days,
        )
    except KEY_STORE_ERRORS as error:  # the whole decision is rolled back
        logger.exception("retention change %s not applied: the key store failed", change.pk)
        raise RequestError(
            _(
                "The audio key store could not be read or written, so nothing was changed. "
                "Ask the administrator to check it, then approve again."
            )
        ) from error
    change.status, change.affected = ChangeStatus.APPLIED, updated
    # A shortening may put calls past their new deadline now: erase them at once rather than
    # at the next scheduled run.
    slug = membership.organisation.slug
    transaction.on_commit(lambda: _purge_soon(slug))
    change.save(update_fields=["status", "affected", "decided_by", "decided_at"])
    audit.record(
        actor=membership.user,
        action="retention.change.applied",
        organisation=membership.organisation,
        target=change,
        detail={
            "retention_days": change.retention_days,
            "affected": updated,
            "rewrapped": rewrapped,
        },
    )
    return change
