"""The access lines of the register's evidence: listens, requests and disclosures per purpose
and recipient in the last 30 and 90 days, and any listen for a purpose the register does not
declare."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from access.constants import RequestStatus
from access.models import AccessRequest, Disclosure
from audit.daily import counted_through, counts_per_purpose, window_start
from organisations.models import Organisation
from register.evidence import Evidence
from register.models import Purpose

WINDOWS = (30, 90)
# A request counts as approved once a grant came of it, also when it was revoked later.
_GRANTED = (RequestStatus.APPROVED, RequestStatus.REVOKED)


def _per_purpose(rows, key: str) -> dict[str, dict[int, int]]:
    return {row[key]: {30: row["n30"], 90: row["n90"]} for row in rows}


def _window_counts(queryset, *, group_by: str, since):
    """Counts per group in the last 30 and 90 days, in one query."""
    return (
        queryset.filter(created_at__gte=since[90])
        .values(group_by)
        .annotate(n30=Count("pk", filter=Q(created_at__gte=since[30])), n90=Count("pk"))
    )


def access_evidence(organisation: Organisation) -> list[Evidence]:
    now = timezone.now()
    # Windows of whole local days (today and the days before), as the listen counts are.
    since = {days: window_start(organisation, days, now=now) for days in WINDOWS}
    purposes = {
        purpose.code: purpose.label
        for purpose in Purpose.objects.filter(activity__organisation=organisation).order_by(
            "activity__reference", "position"
        )
    }
    declared = list(purposes)
    audit_url = reverse("audit:trail", kwargs={"org_slug": organisation.slug})
    # Listens come from the audit trail: read from its daily counts, plus today live.
    heard = counts_per_purpose(organisation, "access.recording.listened", WINDOWS, now=now)
    listens = {code: {days: heard[days][code] for days in WINDOWS} for code in heard[max(WINDOWS)]}
    requests = AccessRequest.objects.filter(organisation=organisation)
    approved = _per_purpose(
        _window_counts(requests.filter(status__in=_GRANTED), group_by="purpose__code", since=since),
        "purpose__code",
    )
    denied = _per_purpose(
        _window_counts(
            requests.filter(status=RequestStatus.DENIED), group_by="purpose__code", since=since
        ),
        "purpose__code",
    )
    disclosed = _per_purpose(
        _window_counts(
            Disclosure.objects.filter(organisation=organisation),
            group_by="purpose_code",
            since=since,
        ),
        "purpose_code",
    )
    zero = {30: 0, 90: 0}
    lines = []
    undeclared = [code for code in listens if code not in declared]
    for code in declared + sorted(undeclared):
        heard, yes, no, out = (
            table.get(code, zero) for table in (listens, approved, denied, disclosed)
        )
        lines.append(
            Evidence(
                "purposes",
                # A page names a purpose by its short name; one no longer declared by its code.
                purposes.get(code, code),
                _(
                    "listens %(l30)d / %(l90)d; requests approved %(a30)d / %(a90)d, "
                    "denied %(d30)d / %(d90)d; disclosures %(x30)d / %(x90)d (30 / 90 days)"
                )
                % {
                    "l30": heard[30],
                    "l90": heard[90],
                    "a30": yes[30],
                    "a90": yes[90],
                    "d30": no[30],
                    "d90": no[90],
                    "x30": out[30],
                    "x90": out[90],
                },
                ok=code in declared,
                url=audit_url,
                key=f"purpose:{code}" if code in declared else "",
            )
        )
    done = counted_through(organisation)
    if done is not None:
        lines.append(
            Evidence(
                "purposes",
                _("Listen counts"),
                _("days up to %(day)s counted at %(when)s; today counted live")
                % {
                    "day": date_format(done.through_day, "SHORT_DATE_FORMAT"),
                    "when": date_format(
                        timezone.localtime(done.counted_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
            )
        )
    undeclared_listens = sum(listens[code][90] for code in undeclared)
    lines.append(
        Evidence(
            "purposes",
            _("Listens for a purpose the register does not declare (90 days)"),
            str(undeclared_listens),
            ok=not undeclared_listens,
            url=audit_url,
        )
    )
    for row in (
        # A data subject's copy of their own data has no register recipient.
        Disclosure.objects.filter(organisation=organisation, recipient__isnull=False)
        .values("recipient__name")
        .annotate(n=Count("pk"))
        .order_by("recipient__name")
    ):
        lines.append(
            Evidence(
                "recipients",
                row["recipient__name"],
                _("%(n)d disclosure(s)") % row,
                key=f"recipient:{row['recipient__name']}",
            )
        )
    return lines
