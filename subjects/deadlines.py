"""The statutory deadline of a data subject request (GDPR art. 12(3)): one calendar month
after receipt, extendable once by at most two further months. A month later than a day that
the next month lacks is that month's last day (31 January -> 28 or 29 February)."""

from __future__ import annotations

import calendar
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from subjects.constants import EXTENSION_MAX_MONTHS, WARNING_DAYS


class DeadlineState(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due within a week")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline_for(received_on: date) -> date:
    return add_months(received_on, 1)


def extended_deadline_for(received_on: date, months: int) -> date:
    if not 1 <= months <= EXTENSION_MAX_MONTHS:
        raise ValueError(f"an extension is 1 to {EXTENSION_MAX_MONTHS} months")
    return add_months(received_on, 1 + months)


def deadline_state(deadline: date, today: date) -> DeadlineState:
    if today > deadline:
        return DeadlineState.OVERDUE
    if today == deadline:
        return DeadlineState.DUE_TODAY
    if (deadline - today).days <= max(WARNING_DAYS):
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME
