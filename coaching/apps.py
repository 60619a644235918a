from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        from access.actions import recording_action_provider
        from coaching.todo import (
            coaching_waiting,
            disputes_waiting,
            employee_waiting,
            samples_to_ask,
        )
        from coaching.views import coaching_actions
        from organisations.todo import todo_provider

        recording_action_provider(coaching_actions)
        todo_provider(employee_waiting)
        todo_provider(coaching_waiting)
        todo_provider(disputes_waiting)
        todo_provider(samples_to_ask)
        # The audit trail's labels and links for this app's objects.
        from coaching.audit_links import register_audit_links as audit_links

        audit_links()
