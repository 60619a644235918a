from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from organisations import (
            people,  # noqa: F401  (registers its dashboard todo)
            twofactor_resets,  # noqa: F401  (registers its dashboard todo)
        )

        post_migrate.connect(_sync_role_permissions, sender=self)


def _sync_role_permissions(sender, **kwargs) -> None:
    """After a release adds a permission to a role, existing members get it at migrate."""
    from organisations.services import membership_sync_permissions

    membership_sync_permissions()
