"""Signals that tell higher apps (audit) what happened here, without importing them.

All are sent inside the transaction of the change, so a receiver that writes the audit trail
commits or rolls back together with it.
"""

from django.dispatch import Signal

# sender=Membership; kwargs: membership, actor, old_role (None when created), new_role
# (None when removed).
membership_changed = Signal()
# sender=Organisation; kwargs: organisation, actor
organisation_created = Signal()
# sender=Invitation; kwargs: invitation, actor, event ("sent", "accepted" or "revoked")
invitation_changed = Signal()
# sender=InstallationAdministrator; kwargs: user, actor
installation_administrator_designated = Signal()
# sender=Organisation; kwargs: organisation, actor, action (an audit catalogue code), target (a
# Team, Employee, Membership or RoleChangeRequest), detail (ids and codes only).
people_changed = Signal()
