from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("Processing register")

    def ready(self) -> None:
        from organisations.checklist import checklist_provider
        from organisations.todo import todo_provider
        from register.checklist import register_checklist
        from register.todo import red_register_lines

        checklist_provider(register_checklist)
        todo_provider(red_register_lines)
        # The audit trail's labels and links for this app's objects.
        from register.audit_links import register_audit_links as audit_links

        audit_links()
