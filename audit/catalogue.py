"""Every action the audit trail knows: a dotted code and the sentence it reads as.

audit.record() refuses a code that is not here, so the catalogue is complete by construction.
Later capabilities add their codes here.
"""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "auth.signin.succeeded": _("signed in"),
    "auth.signin.failed": _("failed to sign in"),
    "auth.signin.locked_out": _("was locked out after repeated failed sign-ins"),
    "auth.signout": _("signed out"),
    "organisations.organisation.created": _("created the organisation"),
    "organisations.membership.created": _("gave a user a role"),
    "organisations.membership.role_changed": _("changed a user's role"),
    "organisations.membership.removed": _("removed a user's role"),
    "register.activity.created": _("added a processing activity to the register"),
    "recordings.recording.ingested": _("stored a recording"),
    "recordings.ingest.rejected": _("refused a recording at ingest"),
    "recordings.token.created": _("created an ingest API token"),
    "recordings.token.revoked": _("revoked an ingest API token"),
    "access.recording.listened": _("listened to a recording"),
    "access.recording.refused": _("was refused access to a recording"),
}


def describe(action: str) -> str:
    return str(EVENTS.get(action, action))
