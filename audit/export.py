"""The trail's export: every event the filters match (not only the page shown), as CSV or JSON,
streamed so that a trail of millions of events never sits in memory. The export is itself an
event, written before the first byte leaves; it covers the trail up to the event before it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

import audit
from audit.catalogue import describe
from audit.filters import person_name
from audit.links import purpose_names
from audit.models import AuditChain
from audit.selectors import audit_events_export
from audit.services import AuditDetailError, chain_key_for
from audit.services import _check_detail as check_detail
from organisations.models import Membership
from organisations.spreadsheet import csv_writer

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
COLUMNS = [
    "event",
    "time",
    "person",
    "person_id",
    "action",
    "sentence",
    "target_type",
    "target_id",
    "purpose",
    "purpose_name",
    "detail",
    "ip_address",
    "previous_hash",
    "hash",
]


def _names(organisation: Any) -> dict[int, str]:
    users = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(organisation=organisation).values("user_id")
    )
    return {user.pk: person_name(user) for user in users}


def _rows(*, organisation: Any, events: Iterator[Any]) -> Iterator[dict[str, Any]]:
    """Rows in the request's time zone and language, taken now: the body is written after the
    view has returned."""
    zone, language = timezone.get_current_timezone(), translation.get_language()
    names, purposes = _names(organisation), purpose_names(organisation)

    def rows() -> Iterator[dict[str, Any]]:
        for event in events:
            with translation.override(language):
                sentence = describe(event.action)
            yield {
                "event": event.sequence,
                "time": timezone.localtime(event.created_at, zone).isoformat(),
                "person": names.get(event.actor_id, event.actor_label) if event.actor_id else "",
                "person_id": event.actor_id,
                "action": event.action,
                "sentence": sentence,
                "target_type": event.target_type,
                "target_id": event.target_id,
                "purpose": event.purpose,
                "purpose_name": purposes.get(event.purpose, event.purpose),
                "detail": event.detail,
                "ip_address": event.ip_address,
                "previous_hash": event.previous_hash,
                "hash": event.hash,
            }

    return rows()


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)
        writer.writerow(row[name] for name in COLUMNS)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(rows: Iterator[dict[str, Any]], *, header: dict[str, Any]) -> Iterator[str]:
    yield "{" + json.dumps(header, ensure_ascii=False)[1:-1] + ', "events": [\n'
    first = True
    for row in rows:
        yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def _recorded_filters(filters: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The filters as the export's own event may hold them, and the names of those left out.
    A day is recorded as the moment it starts (`start`) or ends (`end`) in the organisation's
    time zone: a bare date reads to the trail's check as a long number. A value that still
    looks like a phone number (a typed search, a case reference of digits) is left out."""
    zone = timezone.get_current_timezone()
    recorded: dict[str, str] = {}
    withheld: list[str] = []
    for key, value in filters.items():
        if key in ("start", "end"):
            day = datetime.strptime(value, "%Y-%m-%d").date()
            value = datetime.combine(day, time.min if key == "start" else time.max, zone)
            value = value.isoformat()
        try:
            check_detail({key: value})
        except AuditDetailError:
            withheld.append(key)
        else:
            recorded[key] = value
    return recorded, withheld


def trail_export(
    *,
    organisation: Any,
    actor: Any,
    fmt: str,
    condition: Any,
    filters: dict[str, str],
    ip_address: str | None = None,
) -> StreamingHttpResponse:
    """Record the export, then stream the matching events of the trail as it stood."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    head = AuditChain.objects.filter(key=chain_key_for(organisation)).first()
    up_to = head.last_sequence if head is not None else 0
    detail: dict[str, Any] = {"format": fmt, "up_to_event": up_to}
    detail["filters"], withheld = _recorded_filters(filters)
    if withheld:
        detail["withheld"] = withheld
    audit.record(
        actor=actor,
        action="audit.trail.exported",
        organisation=organisation,
        detail=detail,
        ip_address=ip_address,
    )
    rows = _rows(
        organisation=organisation,
        events=audit_events_export(
            organisation=organisation, condition=condition, up_to_sequence=up_to
        ),
    )
    if fmt == "csv":
        body = _csv(rows)
    else:
        header = {"organisation": organisation.slug, "filters": filters, "up_to_event": up_to}
        body = _json(rows, header=header)
    response = StreamingHttpResponse(body, content_type=FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-trail-{organisation.slug}-{stamp}.{fmt}"'
    )
    return response
