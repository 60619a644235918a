"""The audit trail's links to calls, requests, grants, cases, disclosures and policy versions.

Calls are linked here rather than in recordings/ because their page is access's. A purged call
is a tombstone: it is left out, so the trail shows its id without a link."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from access.four_eyes import cases_visible_to, requests_openable_by
from access.models import AccessRequest, Case, Disclosure, Grant, PolicyVersion
from audit.links import register_target_link, resolver_for
from recordings.models import LIVE, Recording


def _when(moment: Any) -> str:
    return date_format(localtime(moment), "SHORT_DATETIME_FORMAT")


def call_label(recording: Recording) -> str:
    # The call's day, short month and time, as its page title names it ("3 Dec 14:05").
    when = date_format(localtime(recording.started_at), pgettext("call", "j M H:i"))
    return _("call of %(when)s") % {"when": when}


def _request_label(request: AccessRequest) -> str:
    return _("request of %(when)s (%(purpose)s)") % {
        "when": _when(request.created_at),
        "purpose": request.purpose.label,
    }


def _cases_by_reference(organisation: Any, text: str) -> list[str]:
    return [
        str(pk)
        for pk in Case.objects.filter(
            organisation=organisation, reference__iexact=text.strip()
        ).values_list("pk", flat=True)
    ]


def _requests_openable(membership: Any, ids: Any) -> set[str]:
    requests = AccessRequest.objects.filter(
        pk__in=ids, organisation=membership.organisation_id
    ).select_related("purpose")
    return {str(pk) for pk in requests_openable_by(membership, requests)}


def _openable_through_request(model: Any) -> Any:
    """For grants and disclosures, whose link opens their request's page."""

    def openable(membership: Any, ids: Any) -> set[str]:
        rows = model.objects.filter(pk__in=ids).select_related("request__purpose")
        requests = [row.request for row in rows if row.request_id]
        allowed = requests_openable_by(membership, requests)
        return {str(row.pk) for row in rows if row.request_id in allowed}

    return openable


def _cases_openable(membership: Any, ids: Any) -> set[str]:
    return {
        str(pk)
        for pk in cases_visible_to(membership).filter(pk__in=ids).values_list("pk", flat=True)
    }


def register_audit_links() -> None:
    register_target_link(
        "recordings.recording",
        resolver_for(
            lambda org: Recording.objects.filter(LIVE, organisation=org),
            label=call_label,
            url_name="access:recording_detail",
            url_kwargs=lambda recording: {"recording_id": recording.pk},
        ),
        noun=gettext_lazy("call"),
        detail_keys=("recording", "recordings"),
    )
    register_target_link(
        "access.accessrequest",
        resolver_for(
            lambda org: AccessRequest.objects.filter(organisation=org).select_related("purpose"),
            label=_request_label,
            url_name="requests:detail",
            url_kwargs=lambda request: {"request_id": request.pk},
        ),
        noun=gettext_lazy("request"),
        detail_keys=("request",),
        openable=_requests_openable,
    )
    register_target_link(
        "access.grant",
        resolver_for(
            lambda org: Grant.objects.filter(request__organisation=org),
            label=lambda grant: _("access until %(when)s") % {"when": _when(grant.expires_at)},
            url_name="requests:detail",
            url_kwargs=lambda grant: {"request_id": grant.request_id},
        ),
        noun=gettext_lazy("grant"),
        openable=_openable_through_request(Grant),
    )
    register_target_link(
        "access.case",
        resolver_for(
            lambda org: Case.objects.filter(organisation=org),
            label=lambda case: _("case %(reference)s") % {"reference": case.reference},
            url_name="cases:detail",
            url_kwargs=lambda case: {"case_id": case.pk},
        ),
        noun=gettext_lazy("case"),
        detail_keys=("case",),
        finder=_cases_by_reference,
        openable=_cases_openable,
    )
    register_target_link(
        "access.disclosure",
        resolver_for(
            lambda org: Disclosure.objects.filter(organisation=org),
            label=lambda disclosure: _("copy for an outside recipient"),
            url_name="requests:detail",
            url_kwargs=lambda disclosure: (
                {"request_id": disclosure.request_id} if disclosure.request_id else None
            ),
        ),
        noun=gettext_lazy("disclosure"),
        detail_keys=("disclosure",),
        openable=_openable_through_request(Disclosure),
    )
    register_target_link(
        "access.policyversion",
        resolver_for(
            lambda org: PolicyVersion.objects.filter(organisation=org),
            label=lambda version: (
                _("access policy, version %(number)s") % {"number": version.number}
            ),
            url_name="policy:version",
            url_kwargs=lambda version: {"number": version.number},
        ),
        noun=gettext_lazy("access policy version"),
    )
