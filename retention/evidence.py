"""The retention lines of the register's evidence: declared against enforced, overdue, held,
the last purge, and the audio keys (the oldest day key still present, keys destroyed, calls
stored without encryption, and the key store read against its rows)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.keystore import KeyUnavailable
from recordings.models import LIVE, AudioKey, Recording
from register.constants import DataCategory
from register.evidence import Evidence
from retention.case_records import case_records_status
from retention.changes import calls_on_earlier_period, declared_recording_days
from retention.constants import RunStatus
from retention.models import PurgeRun
from retention.purge import overdue_recordings
from retention.schedule import FALLBACK_INTERVAL, next_run_after, purge_horizon

logger = logging.getLogger(__name__)

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
        value = _("%(when)s: %(status)s, %(purged)d erased, %(failed)d failed") % {
            "when": date_format(timezone.localtime(last.started_at), "SHORT_DATETIME_FORMAT"),
            "status": last.get_status_display(),
            "purged": last.purged,
            "failed": last.failed,
        }
        if last.keys_failed:  # the key of an ended day is still there: its backups readable
            value += ", " + _("%(n)d audio key(s) not destroyed") % {"n": last.keys_failed}
        lines.append(
            Evidence(
                "retention",
                _("Last purge"),
                value,
                ok=fresh
                and last.status == RunStatus.FINISHED
                and not last.failed
                and not last.keys_failed,
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


# Past this many, "calls stored without encryption" says "more than": the count stops there.
PLAINTEXT_COUNT_CAP = 10_000
# Keys destroyed counted over this many days.
KEYS_DESTROYED_DAYS = 30


def key_evidence(organisation: Organisation) -> list[Evidence]:
    """The audio keys beside the recording lines: every backup of a call is readable only while
    its day key exists, so the oldest day key still present shows how far back any copy can
    still be read. It must be no older than the longest retention plus one day (the key of a day
    goes at the first purge after that day has ended), unless it wraps calls under legal hold.

    Live, and cheap: the key store is listed once (names()), the rows come from the partial
    indexes of live day keys and of Recording.audio_key."""
    from recordings import audio_keys
    from recordings.keystore import key_store

    url = reverse("retention:overview", kwargs={"org_slug": organisation.slug})
    now = timezone.now()
    declared = declared_recording_days(organisation)
    live_keys = list(
        AudioKey.objects.filter(organisation=organisation, destroyed_at__isnull=True).only(
            "id", "organisation_id", "kind", "day", "hold_ref", "created_at"
        )
    )
    day_keys = sorted(
        (k for k in live_keys if k.kind == AudioKeyKind.DAY), key=lambda k: (k.day, k.created_at)
    )
    lines = [_oldest_day_key(organisation, day_keys, declared, now, url)]

    since = now - timedelta(days=KEYS_DESTROYED_DAYS)
    destroyed = AudioKey.objects.filter(organisation=organisation, destroyed_at__gte=since).count()
    lines.append(
        Evidence(
            "retention",
            _("Audio keys destroyed in the last %(days)d days") % {"days": KEYS_DESTROYED_DAYS},
            str(destroyed),
            url=url,
            key=KEY,
        )
    )

    found = plaintext_calls(organisation).values_list("pk", flat=True)
    plaintext = len(found[: PLAINTEXT_COUNT_CAP + 1])
    lines.append(
        Evidence(
            "retention",
            _("Calls stored without encryption"),
            (
                _("more than %(n)d") % {"n": PLAINTEXT_COUNT_CAP}
                if plaintext > PLAINTEXT_COUNT_CAP
                else str(plaintext)
            ),
            ok=not plaintext,
            url=url,
            key=KEY,
        )
    )
    lines.append(_key_store_line(organisation, live_keys, audio_keys.key_name, key_store, url))
    return lines


def plaintext_calls(organisation: Organisation) -> QuerySet[Recording]:
    """Live calls stored without encryption (sealing "", before the sealing migration), through
    the partial index of exactly those (rec_org_plaintext): empty once all are sealed."""
    return Recording.objects.filter(
        LIVE,
        organisation=organisation,
        status__in=(RecordingStatus.ACTIVE, RecordingStatus.HELD),
        sealing="",
    )


def _oldest_day_key(organisation, day_keys, declared, now, url) -> Evidence:
    label = _("Oldest day key still present")
    if not day_keys:
        return Evidence("retention", label, _("none"), url=url, key=KEY)
    oldest = day_keys[0]
    today = now.astimezone(UTC).date()
    # Too old: a day that ended more than a day ago (the purge after its midnight destroys it),
    # or a key older than the longest retention declared plus one day.
    limit = now - timedelta(days=declared + 1) if declared is not None else None
    too_old = [
        k
        for k in day_keys
        if k.day < today - timedelta(days=1) or (limit is not None and k.created_at < limit)
    ]
    held = set()
    if too_old:
        held = set(
            Recording.objects.filter(
                audio_key__in=[k.pk for k in too_old], status=RecordingStatus.HELD
            )
            .values_list("audio_key", flat=True)
            .distinct()
        )
    unexplained = [k for k in too_old if k.pk not in held]
    value = _("for calls due on %(day)s, made on %(made)s") % {
        "day": date_format(oldest.day, "DATE_FORMAT"),
        "made": date_format(timezone.localtime(oldest.created_at), "DATE_FORMAT"),
    }
    if unexplained:
        value += " · " + _("%(n)d key(s) kept longer than the longest retention plus one day") % {
            "n": len(unexplained)
        }
    elif too_old:
        value += " · " + _("kept for calls under legal hold")
    return Evidence("retention", label, value, ok=not unexplained, url=url, key=KEY)


def _key_store_line(organisation, live_keys, key_name, key_store, url) -> Evidence:
    """The key store read against the rows: a live key whose file is missing leaves its calls
    unreadable before their deadline; a file still there for a destroyed key leaves every backup
    of its calls readable after it; a live key whose file fails its checksum (damaged) leaves
    its calls unreadable too. Either is a mismatch. Each live key file is read (a few hundred
    files of 45 bytes per organisation at most)."""
    label = _("Audio key store")
    try:
        prefix = f"{organisation.pk}/"
        store = key_store()
        present = {name for name in store.names() if name.startswith(prefix)}
    except (OSError, KeyUnavailable) as error:  # KeyUnavailable: the store is not mounted
        logger.error("key store of %s not readable: %s", organisation.slug, error)
        return Evidence("retention", label, _("not readable"), ok=False, url=url, key=KEY)
    live_names = {key_name(k) for k in live_keys}
    missing = live_names - present
    damaged = 0
    for name in sorted(live_names & present):
        try:
            store.read(name)
        except KeyUnavailable as error:
            if error.reason == "missing":  # gone since names() was read
                missing.add(name)
            else:
                damaged += 1
        except OSError:
            damaged += 1
    others = present - live_names
    still_there = 0
    if others:
        ids = []
        for name in others:
            try:
                ids.append(uuid.UUID(hex=name.split("/", 1)[1]))
            except ValueError:
                continue  # not a key of Earshot's naming: nothing a row could describe
        still_there = AudioKey.objects.filter(
            organisation=organisation, destroyed_at__isnull=False, pk__in=ids
        ).count()
    problems = []
    if missing:
        problems.append(_("key missing: %(n)d") % {"n": len(missing)})
    if damaged:
        problems.append(_("key damaged: %(n)d") % {"n": damaged})
    if still_there:
        problems.append(_("destroyed but still present: %(n)d") % {"n": still_there})
    value = _("%(n)d key(s) present") % {"n": len(live_names & present - missing)}
    if problems:
        value += " · " + " · ".join(problems)
    return Evidence("retention", label, value, ok=not problems, url=url, key=KEY)
