"""Thin adapters: what lower apps and django.contrib.auth announce becomes audit events."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import audit_record
from organisations.client_ip import client_ip
from organisations.models import Membership, Organisation
from organisations.signals import membership_changed, organisation_created, people_changed


def _ip(request: Any) -> str | None:
    return client_ip(request) if request is not None else None


def _organisations_of(user: Any) -> list[Organisation]:
    if user is None:
        return []
    return [
        m.organisation for m in Membership.objects.filter(user=user).select_related("organisation")
    ]


def _record_for_user(user: Any, action: str, request: Any, actor: Any | None) -> None:
    """A sign-in event goes on the chain of every organisation the user belongs to."""
    organisations = _organisations_of(user) or [None]
    for organisation in organisations:
        audit_record(
            actor=actor,
            action=action,
            organisation=organisation,
            target=user,
            ip_address=_ip(request),
        )


@receiver(user_logged_in, dispatch_uid="audit_signin")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record_for_user(user, "auth.signin.succeeded", request, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_signout")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _record_for_user(user, "auth.signout", request, actor=user)


def _user_named(username: str | None) -> Any | None:
    if not username:
        return None
    return get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()


@receiver(user_login_failed, dispatch_uid="audit_signin_failed")
def _sign_in_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The typed username of an unknown account is not stored: it may be anything, even a
    # password typed in the wrong field.
    _record_for_user(
        _user_named(credentials.get("username")), "auth.signin.failed", request, actor=None
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    _record_for_user(_user_named(username), "auth.signin.locked_out", request, actor=None)


@receiver(organisation_created, dispatch_uid="audit_organisation_created")
def _organisation_created(sender: Any, organisation: Organisation, actor: Any, **kw: Any) -> None:
    audit_record(
        actor=actor,
        action="organisations.organisation.created",
        organisation=organisation,
        target=organisation,
    )


@receiver(membership_changed, dispatch_uid="audit_membership_changed")
def _membership_changed(
    sender: Any,
    membership: Membership,
    actor: Any,
    old_role: str | None,
    new_role: str | None,
    **kwargs: Any,
) -> None:
    if old_role is None:
        action = "organisations.membership.created"
    elif new_role is None:
        action = "organisations.membership.removed"
    else:
        action = "organisations.membership.role_changed"
    audit_record(
        actor=actor,
        action=action,
        organisation=membership.organisation,
        target=membership,
        detail={"user_id": membership.user_id, "old_role": old_role, "new_role": new_role},
    )


@receiver(people_changed, dispatch_uid="audit_people_changed")
def _people_changed(
    sender: Any,
    organisation: Organisation,
    actor: Any,
    action: str,
    target: Any,
    detail: dict[str, Any],
    **kwargs: Any,
) -> None:
    audit_record(
        actor=actor, action=action, organisation=organisation, target=target, detail=detail
    )
