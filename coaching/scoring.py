"""The score of an evaluation, as plain arithmetic on plain values (no database).

- Each answer is normalised to 0..1: yes = 1, no = 0; 1..5 as (v - 1) / 4; 0..10 as v / 10.
- The score is the weighted mean of the normal criteria, as a percentage. A not-applicable
  answer leaves both the numerator and the denominator.
- Critical criteria are scored the same way, separately.
- A fatal criterion fails the whole evaluation when it is not met (answered "no", or the lowest
  value of a scale). A failed evaluation keeps its computed scores for reference, but its
  result is "failed".
- A score over no applicable criterion is None ("no score"), never 0 or 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from coaching.constants import ANSWER_VALUES, AnswerType, CriterionKind


@dataclass(frozen=True)
class ScoredCriterion:
    answer_type: str
    weight: int
    kind: str
    value: int | None  # None: not applicable, or not answered


@dataclass(frozen=True)
class Score:
    score: Decimal | None  # percentage of the normal criteria, two decimals
    critical_score: Decimal | None  # percentage of the critical criteria
    fatal_failed: bool

    @property
    def passed(self) -> bool:
        return not self.fatal_failed


def normalised(answer_type: str, value: int) -> Decimal:
    allowed = ANSWER_VALUES[AnswerType(answer_type)]
    if value not in allowed:
        raise ValueError(f"{value!r} is not an answer of {answer_type}")
    low, high = allowed[0], allowed[-1]
    return Decimal(value - low) / Decimal(high - low)


def _weighted(criteria: list[ScoredCriterion]) -> Decimal | None:
    applicable = [c for c in criteria if c.value is not None and c.weight > 0]
    total = sum(Decimal(c.weight) for c in applicable)
    if not total:
        return None
    points = sum(Decimal(c.weight) * normalised(c.answer_type, c.value) for c in applicable)
    return (points / total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compute_score(criteria: Iterable[ScoredCriterion]) -> Score:
    criteria = list(criteria)
    fatal_failed = any(
        c.kind == CriterionKind.FATAL
        and c.value is not None
        and normalised(c.answer_type, c.value) == 0
        for c in criteria
    )
    return Score(
        score=_weighted([c for c in criteria if c.kind == CriterionKind.NORMAL]),
        critical_score=_weighted([c for c in criteria if c.kind == CriterionKind.CRITICAL]),
        fatal_failed=fatal_failed,
    )
