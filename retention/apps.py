from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Retention")

    def ready(self) -> None:
        from access.actions import recording_action_provider, selection_action_provider
        from organisations.checklist import checklist_provider
        from organisations.todo import todo_provider
        from recordings.signals import recording_stored
        from register.evidence import evidence_provider
        from retention.actions import hold_call_action, hold_selection_action
        from retention.checklist import purge_checklist
        from retention.evidence import case_records_evidence, key_evidence, retention_evidence
        from retention.signals import purge_if_due_before_next_run
        from retention.todo import destruction_waiting, holds_waiting, overdue_calls

        recording_stored.connect(purge_if_due_before_next_run, dispatch_uid="retention-late-call")
        # Held calls stored in plaintext are sealed under their hold's key (issue 19).
        from recordings.seal_existing import hold_ref_provider
        from retention.seal_held import hold_refs_for_sealing

        hold_ref_provider(hold_refs_for_sealing)
        evidence_provider(retention_evidence)
        evidence_provider(key_evidence)
        evidence_provider(case_records_evidence)
        todo_provider(holds_waiting)
        todo_provider(destruction_waiting)
        todo_provider(overdue_calls)
        checklist_provider(purge_checklist)
        recording_action_provider(hold_call_action)
        selection_action_provider(hold_selection_action)
        # The audit trail's labels and links for this app's objects.
        from retention.audit_links import register_audit_links as audit_links

        audit_links()
