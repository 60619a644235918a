"""Metadata from an Asterisk MixMonitor file name, with the PBX's uniqueid to settle DST.

`<direction>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<uniqueid>.<ext>`: the time is the PBX's local
wall clock, which is ambiguous for the hour repeated on the last Sunday of October and names
no instant at all in the hour skipped in March. The uniqueid is `<epoch>.<seq>` (or
`<systemname>-<epoch>.<seq>`), the UTC second the channel was created: when it lies close to
one reading of the wall time, that reading is the call's instant.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from recordings.constants import Direction

ASTERISK_NAME = re.compile(
    r"^(?P<direction>in|out|internal)-(?P<to>[^-]+)-(?P<from>[^-]+)-(?P<date>\d{8})-"
    r"(?P<time>\d{6})-(?P<uniqueid>[A-Za-z0-9._-]+?)\.(?P<ext>[A-Za-z0-9]+)$",
    re.IGNORECASE,
)
ASTERISK_DIRECTIONS = {
    "in": Direction.INBOUND,
    "out": Direction.OUTBOUND,
    "internal": Direction.INTERNAL,
}
# A withheld caller id arrives as "anonymous" or "unknown": no number, not a bad number.
DIALLED_NUMBER = re.compile(r"^\+?\d{3,20}$")
UNIQUEID_EPOCH = re.compile(r"(?:^|-)(?P<epoch>\d{9,11})\.\d+$")
# The channel is created when the call arrives; MixMonitor may start once a queue answers, so
# the name's time is at or a little after the epoch. Both readings of a DST hour lie an hour
# apart, so anything under half an hour picks one of them without doubt.
EPOCH_AGREEMENT = timedelta(minutes=15)


def parse_asterisk_name(
    filename: str, *, extensions: frozenset[str], tz: tzinfo | None = None
) -> dict[str, Any] | None:
    """Metadata for recording_ingest from the name, or None when it is not an Asterisk name.

    `started_at` is the name's local time, naive (the metadata form reads it in the
    organisation's zone), except where that local time is ambiguous or missing in `tz` and the
    uniqueid settles it: then it is the instant, aware, with its offset.
    """
    match = ASTERISK_NAME.match(filename)
    if match is None or "." + match["ext"].lower() not in extensions:
        return None
    try:
        started = datetime.strptime(match["date"] + match["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    direction = ASTERISK_DIRECTIONS[match["direction"].lower()]
    metadata: dict[str, Any] = {
        "call_id": match["uniqueid"],
        "started_at": _started_at(started, match["uniqueid"], tz),
        "direction": direction.value,
    }
    customer = {Direction.INBOUND: match["from"], Direction.OUTBOUND: match["to"]}.get(direction)
    if customer and DIALLED_NUMBER.match(customer):
        metadata["customer_phone"] = customer
    return metadata


def _started_at(local: datetime, uniqueid: str, tz: tzinfo | None) -> str:
    naive = local.strftime("%Y-%m-%dT%H:%M:%S")
    if tz is None:
        return naive
    readings = {local.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1)}
    if len(readings) == 1:  # an ordinary hour: one instant, the form reads it the same way
        return naive
    epoch = uniqueid_instant(uniqueid)
    if epoch is None:
        return naive  # nothing to settle it with: the metadata form decides
    agreeing = [reading for reading in readings if abs(reading - epoch) <= EPOCH_AGREEMENT]
    if len(agreeing) != 1:
        return naive
    return agreeing[0].astimezone(tz).isoformat()


def uniqueid_instant(uniqueid: str) -> datetime | None:
    """The channel's creation time in an Asterisk uniqueid, if it holds a plausible epoch."""
    match = UNIQUEID_EPOCH.search(uniqueid)
    if match is None:
        return None
    try:
        return datetime.fromtimestamp(int(match["epoch"]), UTC)
    except (OverflowError, OSError, ValueError):
        return None
