"""A coach's day, in Dutch, through links only: from the dashboard's work list to a call of the
random sample, evaluated while listening, released (confirming what cannot be undone), and read
back as the employee will read it: each chosen answer in words with its points."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from access.tests import conftest as access_fixtures
from audit.models import AuditEvent
from coaching.constants import EvaluationStatus
from coaching.models import Criterion, Evaluation
from coaching.sampling import draw_slot
from coaching.tests import conftest as coaching_fixtures
from tests.browser.conftest import sign_in
from tests.browser.test_player import SCREENSHOTS, wait_audio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = access_fixtures.world
published_form = coaching_fixtures.published_form


@pytest.fixture
def page_language() -> str:
    return "nl"


@pytest.fixture
def sampled(world, published_form):
    """This quarter's draw: one call per employee, the coach's team A among them."""
    now = timezone.now()
    draw = draw_slot(
        organisation=world.cast.organisation,
        quarter="2026Q4",
        slot=1,
        window=(now - timedelta(days=1), now + timedelta(minutes=5)),
        seed="c" * 64,
    )
    assert draw.items.filter(recording=world.own_call).exists()
    return draw


def test_coach_from_dashboard_to_a_released_evaluation(page, live_server, world, sampled):
    call = world.own_call
    employee = call.employee
    sign_in(page, live_server, "acme-coach")

    # 1. The dashboard lists the sampled calls waiting for the coach; a link opens the queue.
    with page.expect_navigation():
        page.get_by_role("link", name="Earshot", exact=True).click()  # home: the dashboard
    expect(page.get_by_role("heading", name="Wacht op u")).to_be_visible()
    group = page.locator("[data-todo]").filter(
        has_text="Steekproefgesprekken om met de medewerker terug te luisteren"
    )
    expect(group).to_have_count(1)
    item = group.locator("[data-work-item]").filter(has_text=employee.name)
    expect(item).to_have_count(1)
    with page.expect_navigation():
        item.locator("a").click()

    # 2. The sample queue: the employee's drawn call, to evaluate.
    expect(page.get_by_role("heading", name="Steekproef", exact=True)).to_be_visible()
    row = page.locator("[data-sample-item]").filter(has_text=employee.name)
    with page.expect_navigation():
        row.get_by_role("link", name="Beoordelen").click()
    page.select_option("select[name=purpose]", "coaching")
    with page.expect_navigation():
        page.get_by_role("button", name="De beoordeling beginnen").click()
    evaluation = Evaluation.objects.get(recording=call)
    assert evaluation.status == EvaluationStatus.DRAFT

    # 3. Listening while evaluating: the player plays through the gate, beside the form.
    page.wait_for_function("() => document.querySelector('[data-player]').dataset.ready")
    expect(page.locator("[data-listen-notice]")).to_contain_text(
        "één vermelding per doel en luistersessie van 30 minuten"
    )
    page.get_by_role("button", name="Afspelen").click()
    wait_audio(page, "!a.paused && a.currentTime > 0.3")
    criteria = list(
        Criterion.objects.filter(section__version=evaluation.form_version).order_by(
            "section__position", "position"
        )
    )
    chosen = {criterion.pk: "1" for criterion in criteria}
    scale = next(c for c in criteria if c.answer_type == "scale_1_5")
    chosen[scale.pk] = "4"
    for criterion in criteria:
        group = page.get_by_role("group", name=criterion.text)
        group.locator(f'input[value="{chosen[criterion.pk]}"]').check()
    page.locator("#summary").fill("Vriendelijk en volledig.")
    # Scrolled down to the end of the form, the player is still in view beside it.
    page.locator("[data-release]").scroll_into_view_if_needed()
    box = page.locator("[data-player]").bounding_box()
    assert box["y"] >= 0 and box["y"] + 40 <= page.viewport_size["height"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "evaluation-scrolled.png"))

    # 4. Released, after confirming what cannot be undone (where the page asks for it).
    confirm = page.locator("[data-confirm-irreversible]")
    if confirm.count():
        confirm.check()
    with page.expect_navigation():
        page.locator("[data-release]").click()
    expect(page.locator(".messages")).to_contain_text("Vrijgegeven aan de medewerker. Score:")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RELEASED

    # 5. The released evaluation reads as answers, not greyed-out radio buttons.
    assert page.locator("form[data-evaluation-form] input[type=radio]").count() == 0
    expect(page.locator(f'[data-chosen="{scale.pk}"]')).to_have_text("4 van 5 · 75 van 100 punten")
    expect(page.locator(f'[data-chosen="{criteria[0].pk}"]')).to_have_text(
        "ja · 100 van 100 punten"
    )
    expect(page.locator("[data-summary]")).to_have_text("Vriendelijk en volledig.")
    page.screenshot(path=str(SCREENSHOTS / "evaluation-released.png"), full_page=True)
    # The coach's own listen to this call, once, named by its purpose.
    listens = page.locator("[data-own-listens] li")
    expect(listens).to_have_count(1)
    assert re.match(r"^U luisterde op .+ voor .+$", listens.inner_text())
    assert (
        AuditEvent.objects.filter(
            action="access.recording.listened", target_id=str(call.pk)
        ).count()
        == 1
    )
