"""Thin adapters: two-factor sign-in and its resets (organisations.signals_twofactor) become
audit events."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from audit.receivers import _ip, _organisations_of
from audit.services import audit_record
from organisations.signals_twofactor import two_factor_changed, two_factor_reset_changed

_USER_EVENTS = {
    "set_up": "auth.two_factor.set_up",
    "backup_codes_generated": "auth.backup_codes.generated",
    "backup_code_used": "auth.backup_code.used",
}


@receiver(two_factor_changed, dispatch_uid="audit_two_factor_changed")
def _two_factor_changed(
    sender: Any, user: Any, request: Any, event: str, remaining: int, **kwargs: Any
) -> None:
    # The device is the user's, not one organisation's: the event goes on every chain the
    # user's sign-in events go on.
    for organisation in _organisations_of(user) or [None]:
        audit_record(
            actor=user,
            action=_USER_EVENTS[event],
            organisation=organisation,
            target=user,
            detail={"remaining_backup_codes": remaining},
            ip_address=_ip(request),
        )


@receiver(two_factor_reset_changed, dispatch_uid="audit_two_factor_reset_changed")
def _two_factor_reset_changed(
    sender: Any, reset: Any, actor: Any, event: str, **kwargs: Any
) -> None:
    audit_record(
        actor=actor,
        action=f"organisations.two_factor_reset.{event}",
        organisation=reset.organisation,
        target=reset,
        detail={"member_id": reset.member_id, "reset_id": reset.pk},
    )
