"""Invitations and installation administrators (organisations.invitations, .installation)
become audit events."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from audit.services import audit_record
from organisations.signals import installation_administrator_designated, invitation_changed


@receiver(invitation_changed, dispatch_uid="audit_invitation_changed")
def _invitation_changed(sender: Any, invitation: Any, actor: Any, event: str, **kw: Any) -> None:
    # The invited address is personal data of the invitee: the event names the invitation.
    audit_record(
        actor=actor,
        action=f"organisations.invitation.{event}",
        organisation=invitation.organisation,
        target=invitation,
        detail={"role": invitation.role},
    )


@receiver(installation_administrator_designated, dispatch_uid="audit_installation_admin")
def _installation_admin(sender: Any, user: Any, actor: Any, **kw: Any) -> None:
    audit_record(
        actor=actor,
        action="organisations.installation_admin.designated",
        organisation=None,
        target=user,
    )
