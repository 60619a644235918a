"""The audit trail names purposes by their label, and links processing activities."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_purpose_names, register_target_link, resolver_for
from register.models import ProcessingActivity, Purpose, RecordingPolicy


def purpose_labels(organisation: Any) -> dict[str, str]:
    purposes = Purpose.objects.filter(activity__organisation=organisation)
    return {purpose.code: purpose.label for purpose in purposes}


def register_audit_links() -> None:
    register_purpose_names(purpose_labels)
    register_target_link(
        "register.processingactivity",
        resolver_for(
            lambda org: ProcessingActivity.objects.filter(organisation=org),
            label=lambda activity: _("processing activity %(name)s") % {"name": activity},
            url_name="register:overview",
        ),
        noun=gettext_lazy("processing activity"),
    )
    register_target_link(
        "register.purpose",
        resolver_for(
            lambda org: Purpose.objects.filter(activity__organisation=org),
            label=lambda purpose: _("purpose %(name)s") % {"name": purpose.label},
            url_name="register:overview",
        ),
        noun=gettext_lazy("purpose"),
    )
    register_target_link(
        "register.recordingpolicy",
        resolver_for(
            lambda org: RecordingPolicy.objects.filter(organisation=org),
            label=lambda policy: (
                _("recording policy, version %(number)s") % {"number": policy.version}
            ),
        ),
        noun=gettext_lazy("recording policy"),
    )
