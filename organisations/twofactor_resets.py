"""Four eyes on a lost two-factor device: an administrator asks, another person approves.

Rules, checked here (views only turn errors into messages):
- Only an administrator of the organisation asks, for a member who signs in with two-factor
  there, with a motivation.
- Another administrator or the privacy officer of the same organisation decides; never the
  person who asked, never the member. The database refuses it as well.
- The decision takes a row lock on the reset (and on the member): a second click, a stale page
  or a concurrent decision finds it decided and changes nothing.
- The device is the user's, not one organisation's. A user who signs in with two-factor in
  several organisations keeps the device until every one of them has approved a reset: one
  organisation's administrators cannot weaken the sign-in that protects another's data.
- The member is told by e-mail when a reset is asked for and when the device is removed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.constants import MEMBERSHIP_DECIDERS, TWO_FACTOR_ROLES, Role
from organisations.models import Membership, Organisation, TwoFactorReset
from organisations.models_twofactor import TwoFactorResetStatus
from organisations.selectors import memberships_for_user
from organisations.signals_twofactor import two_factor_reset_changed
from organisations.todo import Todo, WorkItem, person, todo_group, todo_provider

REQUESTER_ROLES = frozenset({Role.ADMINISTRATOR})
MIN_MOTIVATION_CHARS = 20
MIN_MOTIVATION_WORDS = 4
_WORD = re.compile(r"[^\W\d_]{2,}")


class TwoFactorResetError(Exception):
    """A reset or decision the rules do not allow; the message is for the person."""


# Reads -------------------------------------------------------------------------------------


def members_resettable(*, organisation: Organisation) -> QuerySet[Membership]:
    """The active members whose role here signs in with two-factor."""
    return (
        Membership.objects.filter(organisation=organisation, role__in=TWO_FACTOR_ROLES, active=True)
        .select_related("user")
        .order_by("user__username")
    )


def resets_for_organisation(*, organisation: Organisation) -> QuerySet[TwoFactorReset]:
    return TwoFactorReset.objects.filter(organisation=organisation).select_related(
        "member", "requested_by", "decided_by"
    )


def reset_get_for_organisation(*, organisation: Organisation, reset_id: int) -> TwoFactorReset:
    """The reset of this organisation, or 404: another organisation's id confirms nothing."""
    try:
        return resets_for_organisation(organisation=organisation).get(pk=reset_id)
    except TwoFactorReset.DoesNotExist:
        raise Http404("No such reset.") from None


def resets_awaiting_decision_by(*, membership: Membership) -> QuerySet[TwoFactorReset]:
    """Pending resets this member may decide: an approver who neither asked nor is the member."""
    if membership.role not in MEMBERSHIP_DECIDERS:
        return TwoFactorReset.objects.none()
    user_id = membership.user_id
    return resets_for_organisation(organisation=membership.organisation).filter(
        ~Q(requested_by_id=user_id) & ~Q(member_id=user_id),
        status=TwoFactorResetStatus.PENDING,
    )


def may_decide(*, reset: TwoFactorReset, membership: Membership) -> bool:
    return (
        reset.status == TwoFactorResetStatus.PENDING
        and membership.role in MEMBERSHIP_DECIDERS
        and membership.organisation_id == reset.organisation_id
        and membership.user_id not in (reset.requested_by_id, reset.member_id)
    )


@todo_provider
def _todo(membership: Membership) -> list[Todo]:
    from django.urls import reverse

    url = reverse("twofactor_resets:list", kwargs={"org_slug": membership.organisation.slug})
    waiting = (
        resets_awaiting_decision_by(membership=membership)
        .select_related("member", "requested_by")
        .order_by("requested_at")
    )

    def item(reset: TwoFactorReset) -> WorkItem:
        return WorkItem(
            title=person(reset.member),
            url=url,
            detail=_("asked by %(who)s") % {"who": person(reset.requested_by)},
        )

    return [
        todo_group(
            gettext_lazy("Two-factor resets waiting for your approval"),
            url,
            waiting,
            item,
        )
    ]


# Writes ------------------------------------------------------------------------------------


def motivation_problem(text: str) -> str | None:
    text = (text or "").strip()
    if len(text) < MIN_MOTIVATION_CHARS or len(_WORD.findall(text)) < MIN_MOTIVATION_WORDS:
        return _(
            "Explain in at least %(words)d words why the device must be reset (for example how "
            "the member lost it and how you checked it is them): the approver must be able to "
            "judge it."
        ) % {"words": MIN_MOTIVATION_WORDS}
    return None


def _role_in(organisation: Organisation, user: AbstractBaseUser) -> str | None:
    membership = memberships_for_user(user=user).filter(organisation=organisation).first()
    return membership.role if membership is not None else None


def two_factor_reset_request(
    *, organisation: Organisation, member: Membership, motivation: str, actor: AbstractBaseUser
) -> TwoFactorReset:
    if _role_in(organisation, actor) not in REQUESTER_ROLES:
        raise TwoFactorResetError(_("Only an administrator of the organisation can ask for this."))
    if member.organisation_id != organisation.pk or not member.active:
        raise TwoFactorResetError(_("No such member."))
    if member.role not in TWO_FACTOR_ROLES:
        raise TwoFactorResetError(
            _("%(user)s does not sign in with two-factor here: there is nothing to reset.")
            % {"user": member.user.get_username()}
        )
    if not TOTPDevice.objects.filter(user_id=member.user_id, confirmed=True).exists():
        raise TwoFactorResetError(
            _(
                "%(user)s has no two-factor device yet: they set one up at their next sign-in, "
                "no reset is needed."
            )
            % {"user": member.user.get_username()}
        )
    problem = motivation_problem(motivation)
    if problem:
        raise TwoFactorResetError(problem)
    reset = TwoFactorReset(
        organisation=organisation,
        member_id=member.user_id,
        motivation=motivation.strip(),
        requested_by=actor,
    )
    try:
        with transaction.atomic():
            reset.save()
            two_factor_reset_changed.send(
                TwoFactorReset, reset=reset, actor=actor, event="requested"
            )
    except IntegrityError:
        raise TwoFactorResetError(
            _("A reset for %(user)s is already open; decide that one first.")
            % {"user": member.user.get_username()}
        ) from None
    _mail_member_on_commit(reset, requested=True)
    return reset


def two_factor_reset_decide(
    *, organisation: Organisation, reset_id: int, approve: bool, actor: AbstractBaseUser
) -> TwoFactorReset:
    """Approve or deny a pending reset. Returns the reset; its status says whether the device
    was removed (completed) or waits for the member's other organisations (approved)."""
    with transaction.atomic():
        try:
            reset = (
                TwoFactorReset.objects.select_for_update()
                .select_related("member", "organisation")
                .get(organisation=organisation, pk=reset_id)
            )
        except TwoFactorReset.DoesNotExist:
            raise Http404("No such reset.") from None
        # One member's resets are decided one at a time, whichever organisation decides.
        get_user_model().objects.select_for_update().filter(pk=reset.member_id).first()
        if reset.status != TwoFactorResetStatus.PENDING:
            raise TwoFactorResetError(
                _("This reset was already decided (%(status)s); nothing was changed.")
                % {"status": reset.get_status_display()}
            )
        if actor.pk == reset.requested_by_id:
            raise TwoFactorResetError(
                _(
                    "You asked for this reset: another administrator or the privacy officer "
                    "must decide it."
                )
            )
        if actor.pk == reset.member_id:
            raise TwoFactorResetError(_("You cannot decide the reset of your own device."))
        if _role_in(organisation, actor) not in MEMBERSHIP_DECIDERS:
            raise TwoFactorResetError(
                _("Only another administrator or the privacy officer can decide this reset.")
            )
        if approve and _role_in(organisation, reset.member) not in TWO_FACTOR_ROLES:
            raise TwoFactorResetError(
                _("%(user)s no longer signs in with two-factor here; deny the reset instead.")
                % {"user": reset.member.get_username()}
            )
        reset.status = TwoFactorResetStatus.APPROVED if approve else TwoFactorResetStatus.DENIED
        reset.decided_by = actor
        reset.decided_at = timezone.now()
        reset.full_clean()
        reset.save(update_fields=["status", "decided_by", "decided_at"])
        two_factor_reset_changed.send(
            TwoFactorReset, reset=reset, actor=actor, event="approved" if approve else "denied"
        )
        if approve:
            _remove_device_when_all_approved(reset, actor)
    return reset


def _remove_device_when_all_approved(reset: TwoFactorReset, actor: AbstractBaseUser) -> None:
    member = reset.member
    required = set(
        memberships_for_user(user=member)
        .filter(role__in=TWO_FACTOR_ROLES)
        .values_list("organisation_id", flat=True)
    )
    approved = list(
        TwoFactorReset.objects.select_for_update().filter(
            member=member, status=TwoFactorResetStatus.APPROVED
        )
    )
    if not required <= {r.organisation_id for r in approved}:
        return
    TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    now = timezone.now()
    for each in approved:
        each.status = TwoFactorResetStatus.COMPLETED
        each.completed_at = now
        each.save(update_fields=["status", "completed_at"])
        # On another organisation's chain the step is nobody of theirs: its trail does not
        # name this organisation's people.
        step_actor = actor if each.organisation_id == reset.organisation_id else None
        two_factor_reset_changed.send(
            TwoFactorReset, reset=each, actor=step_actor, event="device_removed"
        )
    reset.status = TwoFactorResetStatus.COMPLETED
    reset.completed_at = now
    _mail_member_on_commit(reset, requested=False)


def _mail_member_on_commit(reset: TwoFactorReset, *, requested: bool) -> None:
    address = reset.member.email
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if requested:
            subject = _("Earshot: a reset of your two-factor sign-in was asked for")
            body = _(
                "An administrator of %(organisation)s asked to reset your two-factor sign-in "
                "(the authenticator app and backup codes). A second person must approve it.\n\n"
                "If you did not ask for this, tell your privacy officer at once.\n"
            )
        else:
            subject = _("Earshot: your two-factor sign-in was reset")
            body = _(
                "After an approved reset in %(organisation)s, your authenticator app and backup "
                "codes no longer work for Earshot. At your next sign-in you set up a new one.\n\n"
                "If you did not ask for this, tell your privacy officer at once.\n"
            )
        body = body % {"organisation": reset.organisation.name}
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
