"""The retention lines of the register's evidence: declared against enforced, overdue, held,
the last purge."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.constants import RecordingStatus
from recordings.models import Recording
from register.constants import DataCategory
from register.evidence import Evidence
from retention.case_records import case_records_status
from retention.changes import calls_on_earlier_period, declared_recording_days
from retention.constants import RunStatus
from retention.models import PurgeRun
from retention.purge import overdue_recordings
from retention.schedule import FALLBACK_INTERVAL, next_run_after, purge_horizon

# The register lines these stand beside: those declaring the retention of recordings.
KEY = f"category:{DataCategory.RECORDING}"


def retention_evidence(organisation: Organisation) -> list[Evidence]:
    url = reverse("retention:overview", kwargs={"org_slug": organisation.slug})
    declared = declared_recording_days(organisation)
    live = Recording.objects.filter(
        organisation=organisation, status__in=(RecordingStatus.ACTIVE, RecordingStatus.HELD)
    )
    # The newest call by start (the list's own index), not by ingest time (no index).
    newest = live.order_by("-started_at", "-id").values_list("retention_days", flat=True).first()
    # Not held is ACTIVE: one probe of the (organisation, status, started_at) index.
    oldest = live.filter(status=RecordingStatus.ACTIVE).aggregate(at=Min("started_at"))["at"]
    overdue = overdue_recordings(organisation).count()
    earlier = calls_on_earlier_period(organisation).count()
    held = live.filter(status=RecordingStatus.HELD).count()
    # The last run that ended: one still running is either working (its result is not known
    # yet) or was killed (the next run closes it as failed).
    last = PurgeRun.objects.filter(organisation=organisation).exclude(status=RunStatus.RUNNING)
    last = last.first()
    age_days = (timezone.now() - oldest).days if oldest else None
    lines = [
        Evidence(
            "retention",
            _("Recording retention declared"),
            _("%(days)s days") % {"days": declared} if declared else _("not declared"),
            ok=declared is not None,
            key=KEY,
        ),
        Evidence(
            "retention",
            _("Retention stamped on the newest call"),
            _("%(days)s days") % {"days": newest} if newest is not None else "—",
            ok=newest is None or newest == declared,
            url=url,
            key=KEY,
        ),
        Evidence(
            "retention",
            _("Oldest call not under hold"),
            _("%(days)s days old") % {"days": age_days} if age_days is not None else "—",
            ok=age_days is None or declared is None or age_days <= declared,
            url=url,
            key=KEY,
        ),
        Evidence(
            "retention",
            _("Calls past their deadline"),
            str(overdue),
            ok=not overdue,
            url=url,
            key=KEY,
        ),
        Evidence("retention", _("Calls under legal hold"), str(held), url=url, key=KEY),
        Evidence(
            "retention",
            _("Calls still following an earlier period"),
            str(earlier),
            ok=not earlier,
            url=url,
            key=KEY,
        ),
    ]
    if last is None:
        lines.append(
            Evidence("retention", _("Last purge"), _("never run"), ok=False, url=url, key=KEY)
        )
    else:
        fresh = timezone.now() <= _next_run_due_by(last.started_at)
        lines.append(
            Evidence(
                "retention",
                _("Last purge"),
                _("%(when)s: %(status)s, %(purged)d erased, %(failed)d failed")
                % {
                    "when": date_format(
                        timezone.localtime(last.started_at), "SHORT_DATETIME_FORMAT"
                    ),
                    "status": last.get_status_display(),
                    "purged": last.purged,
                    "failed": last.failed,
                },
                ok=fresh and last.status == RunStatus.FINISHED and not last.failed,
                url=url,
                key=KEY,
            )
        )
    lines.append(_next_purge(url))
    return lines


def _next_run_due_by(last_started: datetime) -> datetime:
    """The run after `last_started` should have started by its scheduled time plus the margin
    (the lateness the horizon allows); without it the last purge is stale, a finding."""
    expected = next_run_after(last_started) or last_started + FALLBACK_INTERVAL
    return expected + timedelta(minutes=settings.PURGE_MARGIN_MINUTES)


def _next_purge(url: str) -> Evidence:
    """When the purge runs next and what it erases: every call whose deadline falls before
    the run after it (plus the margin), so none waits past its deadline."""
    now = timezone.now()
    following = next_run_after(now)
    if following is None:
        value = _("not scheduled: the purge runs only by hand (manage.py purge)")
    else:
        value = _("%(when)s, erasing every call due before %(horizon)s") % {
            "when": date_format(timezone.localtime(following), "SHORT_DATETIME_FORMAT"),
            "horizon": date_format(
                timezone.localtime(purge_horizon(following)), "SHORT_DATETIME_FORMAT"
            ),
        }
    return Evidence("retention", _("Next purge"), value, url=url, key=KEY)


def case_records_evidence(organisation: Organisation) -> list[Evidence]:
    """Beside the register's "case" lines: what is past their period now (the next purge run
    erases it). Without such a line, a summary line says nothing limits how long they stay."""
    url = reverse("retention:overview", kwargs={"org_slug": organisation.slug})
    status = case_records_status(organisation)
    if status["days"] is None:
        return [
            Evidence(
                "retention",
                _("Retention of requests, cases and disclosures"),
                _("not declared: kept until the register declares a period"),
                ok=False,
                url=url,
            )
        ]
    return [
        Evidence(
            "retention",
            _("Requests and cases past their period"),
            _("%(cases)d case(s), %(requests)d request(s) without a case")
            % {"cases": status["cases"], "requests": status["requests"]},
            ok=not (status["cases"] or status["requests"]),
            url=url,
            key=f"category:{DataCategory.CASE}",
        )
    ]
