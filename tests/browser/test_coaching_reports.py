"""The coaching reports in the browser: every card fits its content at 1280 and 1920 pixels wide
(nothing sticks out of a card), the charts have a value axis, the months and each bar's value,
and the three scope filters stand on one row with their labels above them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.tests import conftest as access_fixtures
from coaching.rollups import rollups_rebuild
from coaching.tests import conftest as coaching_fixtures
from coaching.tests.test_reports import _evaluation
from organisations.tests.factories import EmployeeFactory
from tests.browser.conftest import sign_in
from tests.browser.test_player import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = access_fixtures.world
published_form = coaching_fixtures.published_form


@pytest.fixture
def a_year_of_evaluations(world, published_form):
    """A released evaluation in each of the last twelve months, for employees with long names."""
    organisation = world.cast.organisation
    now = timezone.now()
    for month in range(12):
        employee = EmployeeFactory(
            organisation=organisation,
            name=f"Medewerker met een bijzonder lange naam nummer {month} van Klantcontact",
        )
        _evaluation(
            world,
            published_form,
            employee=employee,
            score=str(40 + month * 5),
            released=now - timedelta(days=30 * month),
        )
    rollups_rebuild(organisation)


@pytest.mark.parametrize("width", [1280, 1920])
def test_report_cards_fit_and_charts_have_axes_and_values(
    page, live_server, world, a_year_of_evaluations, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "acme-coach")
    page.goto(f"{live_server.url}{reverse('coaching:reports', kwargs={'org_slug': 'acme'})}")
    cards = page.locator("main .card")
    assert cards.count() >= 5
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main .card')]
            .filter((card) => card.scrollWidth > card.clientWidth + 1)
            .map((card) => `${card.querySelector('h2, h1')?.textContent}: `
                         + `${card.scrollWidth} > ${card.clientWidth}`)"""
    )
    assert overflowing == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"coaching-report-{width}.png"), full_page=True)

    # The charts: a value axis with ticks, a month under each bar, the value above each bar.
    months = page.locator("[data-report-months] svg[data-chart]").first
    assert months.locator("rect").count() == 12
    assert months.locator("[data-month]").count() == 12
    assert months.locator("[data-value]").count() == 12
    assert months.locator("[data-value]").all_text_contents() == ["1"] * 12
    assert months.locator("[data-tick]").all_text_contents() == ["0", "1"]
    scores = page.locator("[data-report-months] svg[data-chart]").nth(1)
    assert scores.locator("[data-tick]").all_text_contents() == ["0.0", "50.0", "100.0"]
    assert "95.0" in scores.locator("[data-value]").all_text_contents()
    for chart in page.locator("svg[data-chart]").all():
        box = chart.bounding_box()
        card = chart.locator("xpath=ancestor::section[1]").bounding_box()
        assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"]

    # The scope filters: one row, their labels on one line above the fields.
    boxes = [
        page.locator(f"[data-report-filters] select#{name}").bounding_box()
        for name in ("team", "employee", "coach")
    ]
    assert len({round(box["y"]) for box in boxes}) == 1
    labels = [
        page.locator(f"[data-report-filters] label[for={name}]").bounding_box()
        for name in ("team", "employee", "coach")
    ]
    assert len({round(box["y"]) for box in labels}) == 1
    assert all(label["y"] < box["y"] for label, box in zip(labels, boxes, strict=True))
