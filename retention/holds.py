"""Legal holds: erasure suspended for some calls, for a case, with four eyes to place and to
release. Whether a call is held is a fact on the recording (status HELD), so the gate in
access/ knows it without importing this app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from access.four_eyes import RequestError, motivation_problem
from access.models import Case
from organisations import roles
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from retention.constants import HoldStatus
from retention.models import LegalHold
from retention.rewrap import (
    SUSPENDING,
    erase_released_on_commit,
    released_due,
    rewrap_on_hold,
    rewrap_on_release,
    rewrap_or_log,
)
from retention.schedule import purge_horizon

HoldError = RequestError


def _may(membership: Membership, permission: str) -> bool:
    return membership.user.has_perm(f"organisations.{permission}", membership.organisation)


def _event(membership: Membership, action: str, hold: LegalHold, **detail: Any) -> None:
    audit.record(
        actor=membership.user,
        action=action,
        organisation=membership.organisation,
        target=hold,
        detail={"case": str(hold.case_id or ""), **detail},
    )


@transaction.atomic
def hold_request(
    *,
    membership: Membership,
    recordings: list[Recording],
    motivation: str,
    review_on: date,
    case: Case | None = None,
) -> LegalHold:
    if not _may(membership, roles.PLACE_LEGAL_HOLD):
        raise HoldError(_("Your role may not place legal holds."))
    problem = motivation_problem(motivation)
    if problem:
        raise HoldError(problem)
    if review_on <= timezone.localdate():
        raise HoldError(_("The review date must lie in the future."))
    if not recordings:
        raise HoldError(_("Name at least one recording."))
    for recording in recordings:
        if recording.organisation_id != membership.organisation_id or recording.status not in (
            RecordingStatus.ACTIVE,
            RecordingStatus.HELD,
        ):
            raise HoldError(_("One of the recordings does not exist or has been erased."))
    if case is not None and case.organisation_id != membership.organisation_id:
        raise HoldError(_("No such case."))
    hold = LegalHold.objects.create(
        organisation=membership.organisation,
        case=case,
        motivation=motivation.strip(),
        review_on=review_on,
        placed_by=membership.user,
    )
    hold.recordings.set(recordings)
    _event(membership, "retention.hold.requested", hold, recordings=len(recordings))
    return hold


def _locked(membership: Membership, hold_id: Any) -> LegalHold:
    hold = (
        LegalHold.objects.select_for_update()
        .filter(pk=hold_id, organisation=membership.organisation_id)
        .first()
    )
    if hold is None:
        raise HoldError(_("No such legal hold."))
    return hold


def _lock_calls(hold: LegalHold) -> None:
    """Lock the hold's calls (FOR NO KEY UPDATE, in id order) before anything reads which holds
    suspend them or whose key they are under. Under READ COMMITTED a decision on another hold
    that shares a call has then either committed, and every later statement here sees its
    holds and statuses, or it waits until this one commits and then sees ours. Without it a
    release computed "still held" from a snapshot taken before a concurrent approval (or a
    concurrent release) committed: a held call became ACTIVE, or stayed HELD with no hold.

    Lock order, the same on every path: a decision locks its hold's row first (_locked), then
    the hold's calls by id; the purge's reconciliation (rewrap.reconcile_keys) and a retention
    change lock calls by id and no hold; key rows come after calls. No cycle, no deadlock."""
    list(
        Recording.objects.select_for_update(no_key=True)
        .filter(pk__in=hold.recordings.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _second_person_refusal(membership: Membership, first_user_id: int | None) -> str | None:
    if membership.user_id == first_user_id:
        return _("A second person must approve this.")
    if not _may(membership, roles.APPROVE_LEGAL_HOLD):
        return _("Your role may not approve legal holds.")
    return None


def _second_person(membership: Membership, first_user_id: int) -> None:
    refusal = _second_person_refusal(membership, first_user_id)
    if refusal:
        raise HoldError(refusal)


@dataclass(frozen=True)
class HoldSteps:
    """What this member may do with a hold now, and why not when a step waits for someone
    else: the page offers only these (the services refuse the rest anyway)."""

    decide: bool = False
    request_release: bool = False
    decide_release: bool = False
    refusal: str = ""


def hold_steps_for(membership: Membership, hold: LegalHold) -> HoldSteps:
    if hold.status == HoldStatus.PENDING:
        refusal = _second_person_refusal(membership, hold.placed_by_id)
        return HoldSteps(decide=not refusal, refusal=refusal or "")
    if hold.status == HoldStatus.RELEASE_PENDING:
        refusal = _second_person_refusal(membership, hold.release_requested_by_id)
        return HoldSteps(decide_release=not refusal, refusal=refusal or "")
    if hold.status == HoldStatus.ACTIVE:
        may = _may(membership, roles.PLACE_LEGAL_HOLD) or _may(membership, roles.APPROVE_LEGAL_HOLD)
        return HoldSteps(request_release=may)
    return HoldSteps()


@transaction.atomic
def hold_decide(*, membership: Membership, hold_id: Any, approve: bool) -> LegalHold:
    hold = _locked(membership, hold_id)
    if hold.status != HoldStatus.PENDING:
        raise HoldError(_("This hold is no longer waiting for approval."))
    _second_person(membership, hold.placed_by_id)
    if not approve:
        hold.status = HoldStatus.DENIED
        hold.save(update_fields=["status"])
        _event(membership, "retention.hold.denied", hold)
        return hold
    _lock_calls(hold)
    recordings = Recording.objects.filter(pk__in=hold.recordings.values("pk"))
    if recordings.exclude(status__in=(RecordingStatus.ACTIVE, RecordingStatus.HELD)).exists():
        raise HoldError(_("A recording of this hold has been erased meanwhile."))
    recordings.update(status=RecordingStatus.HELD)
    hold.status, hold.approved_by, hold.approved_at = (
        HoldStatus.ACTIVE,
        membership.user,
        timezone.now(),
    )
    hold.save(update_fields=["status", "approved_by", "approved_at"])
    # The calls' data keys go under this hold's key: the day key of their deadline may die.
    rewrapped = rewrap_or_log("approval", hold, lambda: rewrap_on_hold(hold))
    _event(membership, "retention.hold.approved", hold, rewrapped=rewrapped)
    return hold


@transaction.atomic
def hold_release_request(*, membership: Membership, hold_id: Any, reason: str) -> LegalHold:
    if not (_may(membership, roles.PLACE_LEGAL_HOLD) or _may(membership, roles.APPROVE_LEGAL_HOLD)):
        raise HoldError(_("Your role may not release legal holds."))
    hold = _locked(membership, hold_id)
    if hold.status != HoldStatus.ACTIVE:
        raise HoldError(_("Only an active hold can be released."))
    if not (reason or "").strip():
        raise HoldError(_("Say why the hold may be released."))
    hold.status = HoldStatus.RELEASE_PENDING
    hold.release_requested_by, hold.release_reason = membership.user, reason.strip()
    hold.save(update_fields=["status", "release_requested_by", "release_reason"])
    _event(membership, "retention.hold.release_requested", hold)
    return hold


@transaction.atomic
def hold_release_decide(*, membership: Membership, hold_id: Any, approve: bool) -> LegalHold:
    """Approved: the calls are no longer held (unless another hold keeps them); those past
    their deadline are erased right after the commit, as the purge would (and if that fails,
    by the next purge). Refused: the hold stays active."""
    hold = _locked(membership, hold_id)
    if hold.status != HoldStatus.RELEASE_PENDING:
        raise HoldError(_("No release of this hold is waiting for approval."))
    _second_person(membership, hold.release_requested_by_id)
    if not approve:
        hold.status = HoldStatus.ACTIVE
        hold.save(update_fields=["status"])
        _event(membership, "retention.hold.denied", hold, release=True)
        return hold
    _lock_calls(hold)
    hold.status, hold.released_by, hold.released_at = (
        HoldStatus.RELEASED,
        membership.user,
        timezone.now(),
    )
    hold.save(update_fields=["status", "released_by", "released_at"])
    still_held = LegalHold.objects.filter(status__in=SUSPENDING).values("recordings")
    Recording.objects.filter(
        pk__in=hold.recordings.values("pk"), status=RecordingStatus.HELD
    ).exclude(pk__in=still_held).update(status=RecordingStatus.ACTIVE)
    # Calls still held by another hold move to its key, the others back to the day key of
    # their deadline; those past it are erased right after the commit, and this hold's key
    # is destroyed once unused.
    horizon = purge_horizon(timezone.now())
    rewrapped = rewrap_or_log("release", hold, lambda: rewrap_on_release(hold, horizon=horizon))
    due = released_due(hold, horizon=horizon)
    erase_released_on_commit(hold, due)
    _event(
        membership,
        "retention.hold.released",
        hold,
        rewrapped=rewrapped,  # None: the key store failed (logged)
        due=len(due),
    )
    return hold


def holds_past_review(organisation) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(
        organisation=organisation, status__in=SUSPENDING, review_on__lt=timezone.localdate()
    )
