from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access to recordings")

    def ready(self) -> None:
        from access.checklist import access_checklist
        from access.evidence import access_evidence
        from access.role_audio import role_gains_standing_audio
        from access.todo import requests_waiting
        from organisations.checklist import checklist_provider
        from organisations.people import audio_role_check
        from organisations.todo import todo_provider
        from register.evidence import evidence_provider

        evidence_provider(access_evidence)
        todo_provider(requests_waiting)
        checklist_provider(access_checklist)
        audio_role_check(role_gains_standing_audio)
        # A day key is not destroyed while an open disclosure's copy is sealed under it.
        from access.disclosure_copy import copy_uses_key
        from recordings.audio_keys import key_user

        key_user(copy_uses_key)
        # The audit trail's labels and links for this app's objects.
        from access.audit_links import register_audit_links as audit_links

        audit_links()
