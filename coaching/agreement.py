"""How far the coaches of a calibration session agree: per criterion the answers side by side and
their spread, each coach's deviation from the expert's reference, and Krippendorff's alpha for
ordinal data (the `krippendorff` package) over all criteria.

Answers of different types are put on one ordinal scale of 0 to 10 (no = 0, yes = 10; 1-5 as
0, 2.5, 5, 7.5, 10; 0-10 as is), so one figure covers the whole form. Not applicable is a
missing value, not a disagreement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import krippendorff
import numpy

from coaching.constants import ANSWER_VALUES, AnswerType
from coaching.scoring import normalised

SCALE = 10


def on_common_scale(answer_type: str, value: int | None) -> float | None:
    if value is None:
        return None
    return float(normalised(answer_type, value) * SCALE)


def _domain() -> list[float]:
    points = {
        float(normalised(kind, value) * SCALE)
        for kind, values in ANSWER_VALUES.items()
        for value in values
    }
    return sorted(points)


def krippendorff_ordinal(matrix: list[list[float | None]]) -> float | None:
    """Alpha for rows of coders and columns of units (criteria). None when it is not defined:
    fewer than two coders, or no unit answered by two of them, or no variation at all."""
    if len(matrix) < 2:
        return None
    data = numpy.array(
        [[numpy.nan if v is None else v for v in row] for row in matrix], dtype=float
    )
    paired = (~numpy.isnan(data)).sum(axis=0) >= 2
    if not paired.any():
        return None
    values = data[:, paired]
    if numpy.unique(values[~numpy.isnan(values)]).size < 2:
        # Everyone gave the same answer everywhere: perfect agreement, but alpha is 0/0.
        return None
    alpha = krippendorff.alpha(
        reliability_data=values, level_of_measurement="ordinal", value_domain=_domain()
    )
    return None if math.isnan(alpha) else round(float(alpha), 3)


@dataclass
class CriterionRow:
    text: str
    answer_type: str
    answers: list[int | None]  # per coach, in the order of Comparison.coaches
    not_applicable: list[bool]
    reference: int | None
    spread: float | None  # max - min on the 0-10 scale


@dataclass
class Comparison:
    coaches: list[str]
    rows: list[CriterionRow] = field(default_factory=list)
    deviations: list[float | None] = field(default_factory=list)  # mean |coach - expert|, 0-10
    alpha: float | None = None
    reference_coach: str | None = None


def compare(
    coaches: list[str],
    criteria: list[tuple[str, str]],
    answers: list[list[tuple[int | None, bool]]],
    reference_index: int | None,
) -> Comparison:
    """coaches: names; criteria: (text, answer type); answers[coach][criterion] =
    (value, not applicable); reference_index: which coach is the expert, if any."""
    comparison = Comparison(
        coaches=coaches,
        reference_coach=coaches[reference_index] if reference_index is not None else None,
    )
    matrix: list[list[float | None]] = [[] for _ in coaches]
    for column, (text, answer_type) in enumerate(criteria):
        values = [answers[coach][column][0] for coach in range(len(coaches))]
        scaled = [on_common_scale(answer_type, value) for value in values]
        for coach, value in enumerate(scaled):
            matrix[coach].append(value)
        present = [value for value in scaled if value is not None]
        comparison.rows.append(
            CriterionRow(
                text=text,
                answer_type=answer_type,
                answers=values,
                not_applicable=[answers[coach][column][1] for coach in range(len(coaches))],
                reference=values[reference_index] if reference_index is not None else None,
                spread=round(max(present) - min(present), 2) if len(present) >= 2 else None,
            )
        )
    for coach in range(len(coaches)):
        if reference_index is None or coach == reference_index:
            comparison.deviations.append(None)
            continue
        pairs = [
            abs(mine - theirs)
            for mine, theirs in zip(matrix[coach], matrix[reference_index], strict=True)
            if mine is not None and theirs is not None
        ]
        comparison.deviations.append(round(sum(pairs) / len(pairs), 2) if pairs else None)
    comparison.alpha = krippendorff_ordinal(matrix)
    return comparison


def answer_label(answer_type: str, value: int | None, not_applicable: bool) -> str:
    if not_applicable:
        return "n/a"
    if value is None:
        return "—"
    if answer_type == AnswerType.YES_NO:
        return "✓" if value else "✗"
    return str(value)
