from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        from access.actions import recording_action_provider
        from coaching.views import evaluate_action

        recording_action_provider(evaluate_action)
