"""The deadline: one calendar month after receipt, the end of a shorter month when the day
does not exist there; extended once by at most two further months, with a reason."""

from datetime import date

import pytest

from subjects.deadlines import (
    DeadlineState,
    add_months,
    deadline_for,
    deadline_state,
    extended_deadline_for,
)


@pytest.mark.parametrize(
    "received,deadline",
    [
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_the_deadline_is_one_calendar_month_clamped_to_the_month_end(received, deadline):
    assert deadline_for(received) == deadline


def test_an_extension_counts_from_receipt_not_from_the_clamped_deadline():
    # 31 January: due 28 February; two more months: 30 April (not 28 April).
    assert extended_deadline_for(date(2026, 1, 31), 2) == date(2026, 4, 30)
    assert extended_deadline_for(date(2026, 1, 31), 1) == date(2026, 3, 31)
    assert extended_deadline_for(date(2026, 11, 30), 2) == date(2027, 2, 28)


@pytest.mark.parametrize("months", [0, 3, -1])
def test_an_extension_is_one_or_two_months(months):
    with pytest.raises(ValueError):
        extended_deadline_for(date(2026, 1, 1), months)


def test_add_months_crosses_years():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_deadline_states():
    due = date(2026, 3, 10)
    assert deadline_state(due, date(2026, 3, 1)) == DeadlineState.ON_TIME
    assert deadline_state(due, date(2026, 3, 3)) == DeadlineState.DUE_SOON
    assert deadline_state(due, date(2026, 3, 10)) == DeadlineState.DUE_TODAY
    assert deadline_state(due, date(2026, 3, 11)) == DeadlineState.OVERDUE
