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
    "auth.two_factor.set_up": _("set up two-factor sign-in with an authenticator app"),
    "auth.backup_codes.generated": _("made a new set of two-factor backup codes"),
    "auth.backup_code.used": _("signed in with a two-factor backup code"),
    "organisations.two_factor_reset.requested": _("asked to reset a member's two-factor sign-in"),
    "organisations.two_factor_reset.approved": _(
        "approved the reset of a member's two-factor sign-in"
    ),
    "organisations.two_factor_reset.denied": _("denied the reset of a member's two-factor sign-in"),
    "organisations.two_factor_reset.device_removed": _(
        "removed a member's two-factor device after an approved reset"
    ),
    "organisations.organisation.created": _("created the organisation"),
    "organisations.installation_admin.designated": _("made a user an installation administrator"),
    "organisations.invitation.sent": _("sent an invitation to join the organisation"),
    "organisations.invitation.accepted": _("accepted an invitation and joined the organisation"),
    "organisations.invitation.revoked": _("revoked an invitation"),
    "organisations.invitation.resent": _("sent an invitation again with a new link"),
    "organisations.invitation.proposed": _(
        "proposed an invitation to a role that may hear calls (waits for approval)"
    ),
    "organisations.invitation.approved": _("approved an invitation to a role that may hear calls"),
    "organisations.invitation.denied": _("denied an invitation to a role that may hear calls"),
    "organisations.membership.created": _("gave a user a role"),
    "organisations.membership.role_changed": _("changed a user's role"),
    "organisations.membership.removed": _("removed a user's role"),
    "organisations.membership.deactivated": _("deactivated a member"),
    "organisations.role_change.requested": _("asked to give a member a role that may hear calls"),
    "organisations.role_change.approved": _("approved a role change that lets a member hear calls"),
    "organisations.role_change.denied": _("denied a role change"),
    "organisations.team.created": _("created a team"),
    "organisations.team.changed": _("changed a team's name or coaches"),
    "organisations.employee.created": _("added an employee"),
    "organisations.employee.changed": _("changed an employee"),
    "organisations.employee.deactivated": _("deactivated an employee"),
    "organisations.employees.imported": _("imported employees from a CSV file"),
    "register.activity.created": _("added a processing activity to the register"),
    "register.activity.changed": _("changed a processing activity in the register"),
    "register.exported": _("exported the processing register"),
    "register.imported": _("imported processing activities into the register"),
    "register.import.refused": _("tried to import a register file that was refused"),
    "register.policy.published": _("published a version of the recording policy"),
    "register.policy.acknowledged": _("acknowledged the recording policy"),
    "recordings.recording.ingested": _("stored a recording"),
    "recordings.ingest.rejected": _("refused a recording at ingest"),
    "recordings.archive_import.started": _("started importing an archive of recordings"),
    "recordings.archive_import.resumed": _("resumed an interrupted import of an archive"),
    "recordings.archive_import.finished": _("finished importing an archive of recordings"),
    "recordings.sealing.started": _("started encrypting audio stored before encryption at rest"),
    "recordings.sealing.finished": _(
        "finished a run encrypting audio stored before encryption at rest"
    ),
    "recordings.audio_key.destroyed": _(
        "destroyed an audio key: the calls it wrapped can no longer be read, in any copy"
    ),
    "recordings.audio.unreadable": _("was given no audio: the stored recording could not be read"),
    "recordings.token.created": _("created an ingest API token"),
    "recordings.token.revoked": _("revoked an ingest API token"),
    "recordings.token.expiry_changed": _("set or changed the expiry of an ingest API token"),
    "coaching.form.published": _("published a version of a QM form"),
    "coaching.evaluation.started": _("started an evaluation of a call"),
    "coaching.evaluation.released": _("released an evaluation to the employee"),
    "coaching.evaluation.acknowledged": _("acknowledged an evaluation"),
    "coaching.evaluation.disputed": _("disputed an answer of an evaluation"),
    "coaching.dispute.upheld": _("upheld a dispute and re-scored the evaluation"),
    "coaching.dispute.rejected": _("rejected a dispute"),
    "coaching.evaluation.retracted": _("retracted an evaluation"),
    "coaching.consent.asked": _("asked an employee's consent to use a call"),
    "coaching.consent.granted": _("gave consent to use a call"),
    "coaching.consent.refused": _("refused consent to use a call"),
    "coaching.consent.withdrawn": _("withdrew consent to use a call"),
    "coaching.calibration.opened": _("opened a calibration session"),
    "coaching.calibration.scored": _("submitted blind calibration scores"),
    "coaching.calibration.closed": _("closed a calibration session"),
    "coaching.sample.drawn": _("drew the random sample of calls"),
    "coaching.sample.done": _("listened to a sampled call with the employee"),
    "coaching.settings.changed": _("changed the coaching settings (sample, disputes, arbiter)"),
    "access.recording.listened": _("listened to a recording"),
    "access.recording.refused": _("was refused access to a recording"),
    "access.recording.employee_confirmed": _(
        "confirmed that the call's employee was present to listen along"
    ),
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
    "access.disclosure.unreadable": _("could not download a disclosed copy: it cannot be read"),
    # Anonymised transcripts (transcripts/).
    "transcripts.purpose.switched_on": _("marked a purpose as one for anonymised transcripts"),
    "transcripts.purpose.switched_off": _(
        "stopped marking a purpose as one for anonymised transcripts"
    ),
    "transcripts.transcript.started": _("started typing a transcript of a call"),
    "transcripts.transcript.viewed": _("read a transcript submitted for approval"),
    "transcripts.utterance.added": _("added an utterance to a transcript"),
    "transcripts.utterance.changed": _("changed an utterance of a transcript"),
    "transcripts.utterance.deleted": _("deleted an utterance of a transcript"),
    "transcripts.transcript.imported": _("imported a transcript from a text file"),
    "transcripts.redactions.proposed": _("let the detectors propose redactions in a transcript"),
    "transcripts.redaction.accepted": _("accepted a redaction in a transcript"),
    "transcripts.redaction.removed": _("removed a redaction from a transcript"),
    "transcripts.redaction.added": _("added a redaction to a transcript by hand"),
    "transcripts.transcript.submitted": _("submitted an anonymised transcript for approval"),
    "transcripts.transcript.approved": _("approved an anonymised transcript"),
    "transcripts.transcript.sent_back": _("sent an anonymised transcript back to its author"),
    "transcripts.transcript.exported": _("exported an anonymised transcript to the customer"),
    "transcripts.case_record.kept": _("kept an exported anonymised transcript with its case"),
    "transcripts.case_record.read": _(
        "read or downloaded an anonymised transcript kept with its case"
    ),
    "transcripts.transcript.erased": _("erased a transcript together with its call's audio"),
    "retention.destruction.proposed": _("proposed a destruction list of archival records"),
    "retention.destruction.executed": _("approved a destruction list; the records were destroyed"),
    "retention.destruction.rejected": _("rejected a destruction list"),
    "retention.recording.purged": _("erased a recording whose retention ran out"),
    "retention.purge.requested": _("started a purge run outside the schedule"),
    "retention.recording.erased_early": _("erased a recording before its deadline"),
    "retention.purge.finished": _("finished a purge run"),
    "retention.case.erased": _("erased a closed case and its requests whose retention ran out"),
    "retention.request.erased": _("erased a request whose retention ran out"),
    "retention.hold.requested": _("asked for a legal hold"),
    "retention.hold.approved": _("approved a legal hold"),
    "retention.hold.denied": _("denied a legal hold"),
    "retention.hold.release_requested": _("asked to release a legal hold"),
    "retention.hold.released": _("released a legal hold"),
    "retention.keys.reconciled": _(
        "put calls back under the legal hold and audio key that apply to them"
    ),
    "retention.change.proposed": _("proposed to apply the current retention to existing calls"),
    "retention.change.applied": _("applied the current retention to existing calls"),
    "retention.change.denied": _("denied applying the current retention to existing calls"),
    # Answering data subject requests (subjects/, the answer).
    "subjects.answer.prepared": _("prepared the answer to a data subject request"),
    "subjects.answer.approved": _("approved the answer to a data subject request (four eyes)"),
    "subjects.answer.rejected": _("rejected a prepared answer to a data subject request"),
    "subjects.answer.retried": _(
        "carried out again an approved erasure for a data subject request that had not finished"
    ),
    "subjects.answer.erasure_incomplete": _(
        "found calls of an approved erasure still not erased; the request stays open"
    ),
    "access.recording.disclosed_to_subject": _(
        "put a call in a data subject's copy of their own data (after approval)"
    ),
    "subjects.transcript.disclosed": _(
        "put an anonymised transcript in a data subject's copy of their own data"
    ),
    "subjects.request.answered": _("answered a data subject request with a decision"),
    "subjects.letter.downloaded": _("downloaded the answer letter of a data subject request"),
    "subjects.request.erased": _("erased a data subject request whose retention ran out"),
    "subjects.request.registered": _("registered a data subject request"),
    "subjects.request.submitted": _(
        "received a data subject request through the public form (not yet confirmed)"
    ),
    "subjects.request.confirmed": _("had a data subject request confirmed by e-mail"),
    "subjects.request.unconfirmed_deleted": _(
        "deleted a data subject request whose e-mail confirmation expired"
    ),
    "subjects.request.searched": _("searched for a data subject's data"),
    "subjects.request.extended": _("extended the deadline of a data subject request"),
    "subjects.public_form.published": _("published the public form for data subject requests"),
    "subjects.public_form.withdrawn": _("withdrew the public form for data subject requests"),
    "audit.trail.pruned": _("removed the oldest audit events behind a signed checkpoint"),
    "audit.checkpoints.downloaded": _("downloaded the signed checkpoints of the audit trail"),
    "audit.trail.exported": _("exported the audit trail"),
    "audit.trail.restored": _("recorded that the database was restored from a backup"),
}


def describe(action: str) -> str:
    return str(EVENTS.get(action, action))
