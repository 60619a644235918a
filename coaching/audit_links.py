"""The audit trail's links to evaluations, calibration sessions and sample draws."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_target_link, resolver_for
from coaching.models import CalibrationSession, Evaluation, SampleDraw


def register_audit_links() -> None:
    register_target_link(
        "coaching.evaluation",
        resolver_for(
            lambda org: Evaluation.objects.filter(organisation=org),
            label=lambda evaluation: (
                _("evaluation of the call of %(when)s")
                % {
                    "when": date_format(
                        localtime(evaluation.call_started_at), "SHORT_DATETIME_FORMAT"
                    )
                }
            ),
            url_name="coaching:evaluation",
            url_kwargs=lambda evaluation: {"evaluation_id": evaluation.pk},
        ),
        noun=gettext_lazy("evaluation"),
        detail_keys=("evaluation",),
    )
    register_target_link(
        "coaching.calibrationsession",
        resolver_for(
            lambda org: CalibrationSession.objects.filter(organisation=org),
            label=lambda session: _("calibration session"),
            url_name="coaching:calibration",
            url_kwargs=lambda session: {"session_id": session.pk},
        ),
        noun=gettext_lazy("calibration session"),
    )
    register_target_link(
        "coaching.sampledraw",
        resolver_for(
            lambda org: SampleDraw.objects.filter(organisation=org),
            label=lambda draw: (
                _("sample %(quarter)s, draw %(slot)s")
                % {"quarter": draw.quarter, "slot": draw.slot}
            ),
            url_name="coaching:sample_draw",
            url_kwargs=lambda draw: {"draw_id": draw.pk},
        ),
        noun=gettext_lazy("sample draw"),
    )
