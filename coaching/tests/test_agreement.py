"""Krippendorff's alpha (ordinal) and the comparison figures, against values worked out by hand."""

from __future__ import annotations

import pytest

from coaching.agreement import compare, krippendorff_ordinal, on_common_scale


def test_alpha_of_a_small_case_worked_out_by_hand():
    # Two coaches, three criteria on 1-3: (1,1), (2,3), (3,3).
    # Coincidences: o11 = 2, o23 = o32 = 1, o33 = 2; n1 = 2, n2 = 1, n3 = 3, n = 6.
    # Ordinal distances: d12 = (3/2)^2 = 2.25, d23 = (4/2)^2 = 4, d13 = (6 - 5/2)^2 = 12.25.
    # Observed: o23*d23 + o32*d23 = 8. Expected: 2 * (2*1*2.25 + 1*3*4 + 2*3*12.25) = 180.
    # alpha = 1 - (n - 1) * 8 / 180 = 1 - 40/180 = 0.778
    assert krippendorff_ordinal([[1, 2, 3], [1, 3, 3]]) == pytest.approx(0.778, abs=0.001)


def test_perfect_agreement_and_systematic_disagreement():
    assert krippendorff_ordinal([[0, 5, 10, 5], [0, 5, 10, 5], [0, 5, 10, 5]]) == 1.0
    # One coach always at the other end: agreement worse than chance.
    assert krippendorff_ordinal([[0, 10, 0, 10], [10, 0, 10, 0]]) < 0


def test_alpha_is_not_defined_rather_than_made_up():
    assert krippendorff_ordinal([[1, 2, 3]]) is None  # one coach
    assert krippendorff_ordinal([[1, None], [None, 2]]) is None  # no criterion scored twice
    assert krippendorff_ordinal([[10, 10], [10, 10]]) is None  # no variation: 0/0


def test_not_applicable_is_missing_not_disagreement():
    with_na = krippendorff_ordinal([[1, 2, 3, None], [1, 3, 3, 1]])
    assert with_na == krippendorff_ordinal([[1, 2, 3], [1, 3, 3]])


def test_answers_share_one_scale():
    assert on_common_scale("yes_no", 1) == 10 and on_common_scale("yes_no", 0) == 0
    assert on_common_scale("scale_1_5", 4) == 7.5
    assert on_common_scale("scale_0_10", 3) == 3
    assert on_common_scale("scale_1_5", None) is None


def test_spread_and_deviation_from_the_expert():
    comparison = compare(
        ["anna", "bram", "expert"],
        [("Begroet", "yes_no"), ("Juist antwoord", "scale_1_5")],
        [
            [(1, False), (3, False)],  # anna: 10, 5
            [(0, False), (5, False)],  # bram: 0, 10
            [(1, False), (4, False)],  # expert: 10, 7.5
        ],
        reference_index=2,
    )
    assert [row.spread for row in comparison.rows] == [10.0, 5.0]
    # anna: |10-10| and |5-7.5| -> 1.25; bram: |0-10| and |10-7.5| -> 6.25
    assert comparison.deviations == [1.25, 6.25, None]
    assert comparison.rows[1].reference == 4
    assert comparison.reference_coach == "expert"
