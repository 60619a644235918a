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
    "register.activity.changed": _("changed a processing activity in the register"),
    "register.exported": _("exported the processing register"),
    "register.policy.published": _("published a version of the recording policy"),
    "register.policy.acknowledged": _("acknowledged the recording policy"),
    "recordings.recording.ingested": _("stored a recording"),
    "recordings.ingest.rejected": _("refused a recording at ingest"),
    "recordings.token.created": _("created an ingest API token"),
    "recordings.token.revoked": _("revoked an ingest API token"),
    "coaching.form.published": _("published a version of a QM form"),
    "coaching.evaluation.started": _("started an evaluation of a call"),
    "coaching.evaluation.released": _("released an evaluation to the employee"),
    "coaching.evaluation.acknowledged": _("acknowledged an evaluation"),
    "coaching.consent.asked": _("asked an employee's consent to use a call"),
    "coaching.consent.granted": _("gave consent to use a call"),
    "coaching.consent.refused": _("refused consent to use a call"),
    "coaching.consent.withdrawn": _("withdrew consent to use a call"),
    "coaching.calibration.opened": _("opened a calibration session"),
    "coaching.calibration.scored": _("submitted blind calibration scores"),
    "coaching.calibration.closed": _("closed a calibration session"),
    "coaching.sample.drawn": _("drew the random sample of calls"),
    "coaching.sample.done": _("listened to a sampled call with the employee"),
    "access.recording.listened": _("listened to a recording"),
    "access.recording.refused": _("was refused access to a recording"),
    "access.policy.changed": _("changed the access policy"),
    "access.request.created": _("asked for access to recordings"),
    "access.request.approved": _("approved a request"),
    "access.request.denied": _("denied a request"),
    "access.request.escalated": _("passed a request on to another approver"),
    "access.request.withdrawn": _("withdrew a request"),
    "access.request.expired": _("let a request expire unanswered"),
    "access.grant.created": _("granted time-bounded access"),
    "access.grant.revoked": _("revoked a grant"),
    "access.case.opened": _("opened a case"),
    "access.case.closed": _("closed a case"),
    "access.case.reopened": _("reopened a case"),
    "access.disclosure.produced": _("produced a copy for an outside recipient"),
    "access.disclosure.code_failed": _("entered a wrong code for a disclosure link"),
    "access.disclosure.downloaded": _("downloaded a disclosed copy"),
    "access.disclosure.cancelled": _("cancelled a disclosure link"),
    "access.disclosure.copy_deleted": _("deleted the copy of an ended disclosure"),
    "retention.recording.purged": _("erased a recording whose retention ran out"),
    "retention.recording.erased_early": _("erased a recording before its deadline"),
    "retention.purge.finished": _("finished a purge run"),
    "retention.hold.requested": _("asked for a legal hold"),
    "retention.hold.approved": _("approved a legal hold"),
    "retention.hold.denied": _("denied a legal hold"),
    "retention.hold.release_requested": _("asked to release a legal hold"),
    "retention.hold.released": _("released a legal hold"),
    "retention.change.proposed": _("proposed to apply the current retention to existing calls"),
    "retention.change.applied": _("applied the current retention to existing calls"),
    "retention.change.denied": _("denied applying the current retention to existing calls"),
}


def describe(action: str) -> str:
    return str(EVENTS.get(action, action))
