"""The audit trail's links to legal holds and destruction lists."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_target_link, resolver_for
from retention.models import DestructionList, LegalHold, PurgeRun, RetentionChange


def register_audit_links() -> None:
    register_target_link(
        "retention.legalhold",
        resolver_for(
            lambda org: LegalHold.objects.filter(organisation=org),
            label=lambda hold: (
                _("legal hold of %(when)s")
                % {"when": date_format(localtime(hold.created_at), "SHORT_DATE_FORMAT")}
            ),
            url_name="retention:hold",
            url_kwargs=lambda hold: {"hold_id": hold.pk},
        ),
        noun=gettext_lazy("legal hold"),
        detail_keys=("hold",),
    )
    register_target_link(
        "retention.destructionlist",
        resolver_for(
            lambda org: DestructionList.objects.filter(organisation=org),
            label=lambda proposal: _("destruction list %(number)s") % {"number": proposal.number},
            url_name="retention:destruction",
            url_kwargs=lambda proposal: {"list_id": proposal.pk},
        ),
        noun=gettext_lazy("destruction list"),
    )
    register_target_link(
        "retention.purgerun",
        resolver_for(
            lambda org: PurgeRun.objects.filter(organisation=org),
            label=lambda run: (
                _("purge run of %(when)s")
                % {"when": date_format(localtime(run.started_at), "SHORT_DATETIME_FORMAT")}
            ),
            url_name="retention:overview",
        ),
        noun=gettext_lazy("purge run"),
    )
    register_target_link(
        "retention.retentionchange",
        resolver_for(
            lambda org: RetentionChange.objects.filter(organisation=org),
            label=lambda change: (
                _("retention of %(days)s days for existing calls") % {"days": change.retention_days}
            ),
            url_name="retention:overview",
        ),
        noun=gettext_lazy("retention change"),
    )
