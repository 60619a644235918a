"""Small shared pieces of an answer's outcome (what the letter reads later)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from subjects.answer_models import SubjectAnswer


def found_counts(findings: Any) -> dict[str, int]:
    """What the search found, in numbers (the ambiguous matches are not the person's)."""
    counts = findings.counts()
    counts.pop("ambiguous", None)
    return counts


def today_iso(answer: SubjectAnswer) -> str:
    """Today in the organisation's zone, as the letter dates what was done."""
    return timezone.localdate(timezone.now(), ZoneInfo(answer.organisation.timezone)).isoformat()
