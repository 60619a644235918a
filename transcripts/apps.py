from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranscriptsConfig(AppConfig):
    name = "transcripts"
    verbose_name = _("Transcripts")

    def ready(self) -> None:
        from access.actions import recording_action_provider
        from organisations.todo import todo_provider
        from transcripts.hooks import recording_transcript_actions, transcripts_waiting

        todo_provider(transcripts_waiting)
        recording_action_provider(recording_transcript_actions)
        # The anonymised versions kept with a case, on the case's page.
        from access.case_sections import case_section_provider
        from transcripts.case_records import kept_transcripts_section

        case_section_provider(kept_transcripts_section)
        # The audit trail's labels and links for this app's objects.
        from transcripts.audit_links import register_audit_links as audit_links

        audit_links()
