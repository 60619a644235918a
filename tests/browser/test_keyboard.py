"""Keyboard only: the QM form answers with Space and the arrow keys (the player's shortcuts leave
the radio buttons alone), each criterion's radio group is named by its question, a skip link
leads to the content, P goes back to the player; the player's shortcuts work on the page but
not inside text fields."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from access.tests import conftest as access_fixtures
from coaching.evaluations import evaluation_start
from coaching.models import Criterion
from coaching.tests import conftest as coaching_fixtures
from organisations.models import Membership
from tests.browser.conftest import sign_in
from tests.browser.test_player import audio, wait_audio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = access_fixtures.world
published_form = coaching_fixtures.published_form


@pytest.fixture
def draft(world, published_form):
    coach = Membership.objects.get(user=world.cast["coach"], organisation=world.cast.organisation)
    evaluation = evaluation_start(
        membership=coach, recording=world.own_call, version=published_form, purpose_code="coaching"
    )
    criteria = list(
        Criterion.objects.filter(section__version=published_form).order_by(
            "section__position", "position"
        )
    )
    return evaluation, criteria


def evaluation_url(live_server, evaluation) -> str:
    path = reverse(
        "coaching:evaluation", kwargs={"org_slug": "acme", "evaluation_id": evaluation.pk}
    )
    return f"{live_server.url}{path}"


def focused(page, expression: str):
    return page.evaluate(f"() => {{ const e = document.activeElement; return {expression}; }}")


def tab_to(page, condition: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, condition):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def test_qm_form_answers_with_space_and_arrows_and_the_audio_stays_still(
    page, live_server, world, draft
):
    evaluation, criteria = draft
    first = criteria[0]
    audio_requests: list[str] = []
    page.on("request", lambda r: "/audio" in r.url and audio_requests.append(r.url))
    sign_in(page, live_server, "acme-coach")
    page.goto(evaluation_url(live_server, evaluation))
    page.wait_for_function("() => document.querySelector('[data-player]').dataset.ready")

    # The first Tab shows the skip link; Enter takes the focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert focused(page, "e.id") == "main"

    # Each criterion's radio buttons form a group named by its question.
    group = page.get_by_role("group", name=first.text)
    expect(group).to_have_count(1)
    expect(group.get_by_role("radio")).to_have_count(3)  # yes, no, not applicable

    # Tab to the first answer of the first criterion; Space chooses it.
    tab_to(page, f"e.name === 'answer-{first.pk}'")
    assert focused(page, "e.value") == "1"
    page.keyboard.press(" ")
    yes = page.locator(f'input[name="answer-{first.pk}"][value="1"]')
    no = page.locator(f'input[name="answer-{first.pk}"][value="0"]')
    expect(yes).to_be_checked()
    # The arrow keys move between the answers (and choose), as radio buttons do.
    page.keyboard.press("ArrowRight")
    expect(no).to_be_checked()
    expect(no).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(yes).to_be_checked()
    page.wait_for_function(
        "() => document.querySelector('[data-autosave-status]').textContent !== ''"
    )
    # None of it worked the player: no audio asked for, nothing playing, nowhere skipped.
    assert audio_requests == []
    assert audio(page, "a.paused") is True
    assert audio(page, "a.currentTime") == 0

    # P goes back to the player from the form; Space on its Play button plays, and pauses.
    page.keyboard.press("p")
    play = page.locator('[data-action="play"]')
    expect(play).to_be_focused()
    page.keyboard.press(" ")
    wait_audio(page, "!a.paused && a.currentTime > 0")
    page.keyboard.press(" ")
    wait_audio(page, "a.paused")
    assert page.locator(f'input[name="answer-{first.pk}"]:checked').get_attribute("value") == "1"


def test_player_shortcuts_work_on_the_page_and_not_in_text_fields(page, live_server, world, draft):
    evaluation, criteria = draft
    sign_in(page, live_server, "acme-coach")
    page.goto(evaluation_url(live_server, evaluation))
    page.wait_for_function("() => document.querySelector('[data-player]').dataset.ready")

    # Typing in a comment field: spaces and brackets are text, not play or speed.
    comment = page.locator(f"#comment-{criteria[1].pk}")
    comment.focus()
    page.keyboard.type("kort [stil] en ")
    page.keyboard.press("ArrowLeft")
    assert comment.input_value() == "kort [stil] en "
    assert audio(page, "a.paused") is True
    assert audio(page, "a.playbackRate") == 1
    # The summary too.
    page.locator("#summary").focus()
    page.keyboard.type("p ] ")
    assert page.locator("#summary").input_value() == "p ] "
    assert audio(page, "a.playbackRate") == 1
    assert focused(page, "e.id") == "summary"

    # On the page itself the keys are the player's: ] faster, Space plays and pauses.
    page.locator("h1").click()
    page.keyboard.press("]")
    assert audio(page, "a.playbackRate") == 1.25
    assert page.locator("[data-speed]").input_value() == "1.25"
    page.keyboard.press(" ")
    wait_audio(page, "!a.paused && a.currentTime > 0")
    page.keyboard.press(" ")
    wait_audio(page, "a.paused")
    position = audio(page, "a.currentTime")
    page.keyboard.press("ArrowLeft")
    wait_audio(page, "a.currentTime === 0")
    assert position > 0
    # The keys are explained beside the player, with what is logged.
    assert "P back to the player" in page.locator("[data-keys]").inner_text()
    assert "one entry per purpose and listening session of 30 minutes" in (
        page.locator("[data-listen-notice]").inner_text()
    )
