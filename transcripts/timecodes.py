"""Moments in a call as people type them: 83, 83.5, 1:23, 01:23,5, 0:01:23 or [00:01:23]."""

from __future__ import annotations

import math
import re

_TIME = re.compile(r"^(?:(?:(\d{1,2}):)?(\d{1,3}):)?(\d{1,5})(?:[.,](\d{1,3}))?$")


def parse_seconds(value: str) -> float | None:
    """Seconds from a typed moment, or None when it is not one. Minutes and seconds after the
    first part must be below 60 (1:75 is a typing error, not 2:15)."""
    value = (value or "").strip().strip("[]").strip()
    match = _TIME.match(value)
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if minutes is not None and int(seconds) >= 60:
        return None
    if hours is not None and int(minutes) >= 60:
        return None
    total = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds)
    if fraction:
        total += int(fraction) / 10 ** len(fraction)
    return float(total)


def format_seconds(seconds: float | None) -> str:
    """00:01:23 or 00:01:23.4: what the pages show and the import reads back."""
    if seconds is None or not math.isfinite(seconds):
        return ""
    tenths = round(seconds * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{tenth}" if tenth else text
