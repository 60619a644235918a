"""The score of an evaluation: weights, not applicable, critical and fatal criteria.

Plain arithmetic, no database: each expected figure below is computed by hand in the comment.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching.constants import ANSWER_VALUES, AnswerType, CriterionKind
from coaching.scoring import ScoredCriterion, compute_score, normalised

N, C, F = CriterionKind.NORMAL, CriterionKind.CRITICAL, CriterionKind.FATAL
YN, S5, S10 = AnswerType.YES_NO, AnswerType.SCALE_1_5, AnswerType.SCALE_0_10


def c(answer_type, value, weight=1, kind=N):
    return ScoredCriterion(answer_type=answer_type, weight=weight, kind=kind, value=value)


def test_normalised_answers():
    assert normalised(YN, 1) == 1 and normalised(YN, 0) == 0
    assert normalised(S5, 1) == 0 and normalised(S5, 3) == Decimal("0.5") and normalised(S5, 5) == 1
    assert normalised(S10, 7) == Decimal("0.7")
    with pytest.raises(ValueError):
        normalised(S5, 0)
    with pytest.raises(ValueError):
        normalised(YN, 2)


def test_weighted_mean_by_hand():
    # yes (w2) = 2, scale 4 of 1-5 (w1) = 0.75, 0-10 at 6 (w3) = 1.8 -> 4.55 / 6 = 75.83 %
    score = compute_score([c(YN, 1, 2), c(S5, 4, 1), c(S10, 6, 3)])
    assert score.score == Decimal("75.83")
    assert score.critical_score is None
    assert score.passed


def test_not_applicable_leaves_numerator_and_denominator():
    # Without the n/a line: yes (w1) + no (w1) = 1 / 2 = 50 %. Counting n/a as "no" would give
    # 33.33 %, counting it as "yes" 66.67 %.
    assert compute_score([c(YN, 1), c(YN, 0), c(YN, None)]).score == Decimal("50.00")


def test_all_not_applicable_is_no_score_not_zero():
    assert compute_score([c(YN, None), c(S5, None, kind=C)]).score is None


def test_critical_criteria_are_scored_separately():
    # normal: yes, yes -> 100 %; critical: scale 2 of 1-5 (0.25, w1) and no (w3) -> 0.25 / 4
    score = compute_score([c(YN, 1), c(YN, 1), c(S5, 2, 1, C), c(YN, 0, 3, C)])
    assert score.score == Decimal("100.00")
    assert score.critical_score == Decimal("6.25")
    assert score.passed


def test_a_fatal_criterion_not_met_fails_the_evaluation_and_keeps_the_scores():
    criteria = [c(YN, 1), c(S10, 10), c(YN, 0, kind=F)]
    score = compute_score(criteria)
    assert score.fatal_failed and not score.passed
    assert score.score == Decimal("100.00")  # for reference; the result is "failed"
    met = compute_score([c(YN, 1), c(S10, 10), c(YN, 1, kind=F)])
    assert met.passed
    # A fatal criterion not applicable fails nothing and counts nowhere.
    assert compute_score([c(YN, 1), c(YN, None, kind=F)]).passed


def test_weight_zero_counts_nowhere():
    assert compute_score([c(YN, 0, weight=0), c(YN, 1)]).score == Decimal("100.00")


answers = st.sampled_from([YN, S5, S10]).flatmap(
    lambda t: st.builds(
        ScoredCriterion,
        answer_type=st.just(t),
        weight=st.integers(0, 10),
        kind=st.sampled_from([N, C]),
        value=st.one_of(st.none(), st.sampled_from(ANSWER_VALUES[t])),
    )
)


@given(st.lists(answers, max_size=12), st.lists(answers, max_size=4))
def test_scores_stay_between_0_and_100_and_not_applicable_changes_nothing(criteria, extra):
    score = compute_score(criteria)
    for figure in (score.score, score.critical_score):
        assert figure is None or Decimal(0) <= figure <= Decimal(100)
    with_na = criteria + [ScoredCriterion(x.answer_type, x.weight, x.kind, None) for x in extra]
    assert compute_score(with_na) == score
