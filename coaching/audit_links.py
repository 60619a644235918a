"""The audit trail's links to evaluations, calibration sessions and sample draws."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.links import register_target_link, resolver_for
from coaching.evaluations import evaluations_readable_by
from coaching.models import CalibrationSession, Consent, Evaluation, FormVersion, SampleDraw


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
        # Its page is read by its coach, its employee and the arbiter only.
        openable=lambda membership, ids: {
            str(pk)
            for pk in evaluations_readable_by(membership)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        },
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
    register_target_link(
        "coaching.consent",
        resolver_for(
            lambda org: Consent.objects.filter(organisation=org),
            label=lambda consent: _("consent (%(use)s)") % {"use": consent.get_use_display()},
        ),
        noun=gettext_lazy("consent"),
    )
    register_target_link(
        "coaching.formversion",
        resolver_for(
            lambda org: FormVersion.objects.filter(form__organisation=org).select_related("form"),
            label=lambda version: (
                _("QM form %(name)s, version %(number)s")
                % {"name": version.form.name, "number": version.number}
            ),
            url_name="coaching:form_version",
            url_kwargs=lambda version: {"form_id": version.form_id, "number": version.number},
        ),
        noun=gettext_lazy("QM form version"),
    )
