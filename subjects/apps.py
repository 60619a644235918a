from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = _("Data subject requests")

    def ready(self) -> None:
        # subjects-intake: the privacy officer's dashboard lists open and due requests.
        from organisations.todo import todo_provider
        from subjects.todo import subject_requests_waiting

        todo_provider(subject_requests_waiting)
        # subjects-answer: a request is a case record, erased at the register's case period.
        from retention.case_records import case_record_eraser
        from subjects.answer_retention import due_subject_requests, erase_subject_requests

        case_record_eraser(
            "subject_requests",
            label=_("data subject requests"),
            count=lambda organisation, cutoff: due_subject_requests(organisation, cutoff).count(),
        )(erase_subject_requests)
        # subjects-answer: answers waiting for a second person's approval.
        from subjects.answer_todo import answers_to_approve

        todo_provider(answers_to_approve)
        # The audit trail's labels and links for this app's objects.
        from subjects.audit_links import register_audit_links as audit_links

        audit_links()
