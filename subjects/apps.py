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
