"""Evaluating a call in the browser, coach and employee each in a browser of their own.

The coach opens a call of team A, starts an evaluation with the published QM form and, beside
the player, plays the call and pauses; answers the first criterion and finds it saved without
pressing Save; pins a comment to the moment the player stands at, seeks away and clicks the
comment to go back there; answers the rest and releases: the page shows the score and can no
longer change. The employee finds the evaluation among their own, reads it and acknowledges it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from access.tests import conftest as access_fixtures
from audit.models import AuditEvent
from coaching.constants import EvaluationStatus
from coaching.models import Answer, Criterion, Evaluation, TimedComment
from coaching.tests import conftest as coaching_fixtures
from tests.browser import test_four_eyes
from tests.browser.conftest import sign_in
from tests.browser.test_player import audio, wait_audio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The gate's small world (the coach coaches team A; `own_call` holds 2 s of real audio and is
# the employee's) and a published QM form on top of it.
world = access_fixtures.world
published_form = coaching_fixtures.published_form
Person = test_four_eyes.Person

COMMENT = "Hier noemt de medewerker de naam van de organisatie"
SUMMARY = "Vriendelijk en volledig; vraag voortaan eerst naar het klantnummer."
SAVED = re.compile(r"^Draft saved at \d{2}:\d{2}:\d{2}$")


@pytest.fixture
def open_browser_for(browser, live_server):
    """Open a browser context for a user and sign them in (password only: coach, employee)."""
    contexts = []

    def open_for(username: str) -> Person:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        contexts.append(context)
        person = Person(username, context.new_page())
        person.page.on("console", person.on_console)
        person.page.on("pageerror", lambda exc: person.problems.append(f"{username}: {exc}"))
        sign_in(person.page, live_server, username)
        assert "/account/" not in person.page.url, f"{username} did not get past the sign-in"
        return person

    yield open_for
    for context in contexts:
        context.close()


def url(live_server, name: str, **kwargs) -> str:
    return f"{live_server.url}{reverse(name, kwargs={'org_slug': 'acme', **kwargs})}"


def criteria(version) -> list[Criterion]:
    return list(
        Criterion.objects.filter(section__version=version).order_by("section__position", "position")
    )


def answer(page, criterion: Criterion, value: str) -> None:
    page.locator(
        f'[data-criterion="{criterion.pk}"] input[name="answer-{criterion.pk}"][value="{value}"]'
    ).check()


def is_autosave(response, criterion: Criterion) -> bool:
    """The autosave post that carries an answer to this criterion."""
    request = response.request
    return (
        request.method == "POST"
        and response.url.endswith("/draft")
        and request.headers.get("x-autosave") == "1"
        and f'name="answer-{criterion.pk}"' in (request.post_data or "")
    )


def test_coach_evaluates_beside_the_player_and_the_employee_acknowledges(
    open_browser_for, live_server, world, published_form
):
    call = world.own_call
    first, second, scale, critical, fatal = criteria(published_form)
    assert (scale.answer_type, scale.weight) == ("scale_1_5", 2)
    assert (fatal.kind, fatal.not_applicable_allowed) == ("fatal", False)

    # 1. The coach finds the evaluation offered on the call's page and starts one.
    coach = open_browser_for("acme-coach")
    cp = coach.page
    cp.goto(url(live_server, "access:recording_detail", recording_id=call.pk))
    link = cp.locator("ul[data-recording-actions] a", has_text="Evaluate this call with a QM form")
    assert link.count() == 1
    with cp.expect_navigation():
        link.click()
    assert cp.url == url(live_server, "coaching:evaluation_new", recording_id=call.pk)
    assert cp.locator("select[name=version]").input_value() == str(published_form.pk)
    assert "Kwaliteitsformulier (v1)" in cp.locator("select[name=version]").inner_text()
    cp.select_option("select[name=purpose]", "coaching")
    with cp.expect_navigation():
        cp.get_by_role("button", name="Start the evaluation").click()
    evaluation = Evaluation.objects.get(recording=call)
    assert cp.url == url(live_server, "coaching:evaluation", evaluation_id=evaluation.pk)
    assert (evaluation.coach, evaluation.purpose.code) == (world.cast["coach"], "coaching")
    assert evaluation.status == EvaluationStatus.DRAFT
    assert cp.locator("[data-status]").inner_text() == "Draft"
    assert cp.title() == "Evaluation · Earshot"
    form = cp.locator("form[data-evaluation-form]")
    assert form.locator("[data-criterion]").count() == 5
    # The fatal criterion cannot be answered "not applicable"; the others can.
    assert cp.locator(f'input[name="answer-{fatal.pk}"][value="na"]').count() == 0
    assert cp.locator(f'input[name="answer-{first.pk}"][value="na"]').count() == 1
    assert cp.locator(f'input[name="answer-{scale.pk}"]').count() == 6  # 1..5 and n/a

    # 2. The player beside the form plays the call through the gate; the coach pauses.
    player = cp.locator("[data-evaluation] [data-player]")
    assert player.count() == 1
    cp.wait_for_function("() => document.querySelector('[data-player]').dataset.ready")
    play = player.locator('[data-action="play"]')
    play.click()
    wait_audio(cp, "a.currentTime > 0.4 && !a.paused")
    assert audio(cp, "a.src").endswith("?purpose=coaching")
    expect(play).to_have_text("Pause")
    play.click()
    wait_audio(cp, "a.paused")
    # The label follows the element's pause event; on a slow machine the two-second call may
    # even have ended by itself before the click, which leaves the player paused as well.
    expect(play).to_have_text("Play")
    paused_at = audio(cp, "a.currentTime")
    assert 0.4 < paused_at <= audio(cp, "a.duration")

    # 3. The first answer saves itself, without the Save button.
    status = cp.locator("[data-autosave-status]")
    assert status.inner_text() == ""
    with cp.expect_response(lambda response: is_autosave(response, first)) as saved:
        answer(cp, first, "1")
    assert saved.value.status == 200
    cp.wait_for_function(
        "() => document.querySelector('[data-autosave-status]').textContent.startsWith('Draft')"
    )
    assert SAVED.match(status.inner_text()), status.inner_text()
    assert cp.url == url(live_server, "coaching:evaluation", evaluation_id=evaluation.pk)
    [stored] = Answer.objects.filter(evaluation=evaluation)
    assert (stored.criterion_id, stored.value, stored.not_applicable) == (first.pk, 1, False)

    # 4. A comment pinned to the paused moment. Typing in the field (spaces included) does
    # not work the player's keys.
    comment_input = cp.locator("[data-comment-text]")
    comment_input.click()
    cp.keyboard.type(COMMENT)
    assert comment_input.input_value() == COMMENT
    assert audio(cp, "a.paused") is True
    assert audio(cp, "a.currentTime") == paused_at
    comments = cp.locator("ul[data-comments] li")
    assert comments.count() == 0
    cp.get_by_role("button", name="Pin to this moment").click()
    comments.first.wait_for()
    assert comments.count() == 1
    pinned = comments.first.locator("button[data-seek-to]")
    pinned_second = float(pinned.get_attribute("data-seek-to"))
    assert abs(pinned_second - paused_at) <= 0.051
    assert pinned.inner_text() == f"{pinned_second:.1f} s"
    assert comments.first.inner_text() == f"{pinned_second:.1f} s {COMMENT}"
    assert comment_input.input_value() == ""
    assert cp.locator("[data-comment-error]").is_hidden()
    [timed] = TimedComment.objects.filter(evaluation=evaluation)
    assert (float(timed.second), timed.text) == (pinned_second, COMMENT)

    # 5. Away to the end with the seek bar, then the comment's time takes the player back.
    cp.locator("[data-seek]").fill("1000")
    wait_audio(cp, "a.currentTime > 1.9")
    pinned.click()
    wait_audio(cp, f"Math.abs(a.currentTime - {pinned_second}) < 0.05")
    assert cp.locator("[data-time]").inner_text() == f"0:{int(pinned_second):02d}"
    assert audio(cp, "a.paused") is True
    # The player's keys still work once the focus left the text field: → and ← by 5 s.
    cp.locator("h1").click()
    cp.keyboard.press("ArrowRight")
    wait_audio(cp, "a.currentTime > 1.9")
    pinned.click()
    wait_audio(cp, f"Math.abs(a.currentTime - {pinned_second}) < 0.05")

    # 6. The other answers (scale 4, the rest yes) and a summary; the last change saves them.
    answer(cp, second, "1")
    answer(cp, scale, "4")
    answer(cp, critical, "1")
    cp.locator("#summary").fill(SUMMARY)
    with cp.expect_response(lambda response: is_autosave(response, fatal)) as saved:
        answer(cp, fatal, "1")
    assert saved.value.status == 200
    stored = {a.criterion_id: (a.value, a.not_applicable) for a in evaluation.answers.all()}
    assert stored == {
        first.pk: (1, False),
        second.pk: (1, False),
        scale.pk: (4, False),
        critical.pk: (1, False),
        fatal.pk: (1, False),
    }
    evaluation.refresh_from_db()
    assert evaluation.summary == SUMMARY
    assert evaluation.status == EvaluationStatus.DRAFT

    # 7. Released: (1 + 1 + 2 × 0.75) / 4 = 87.50 %; the critical criterion apart at 100 %.
    cp.locator("[data-confirm-irreversible]").check()
    with cp.expect_navigation():
        cp.locator("[data-release]").click()
    assert cp.url == url(live_server, "coaching:evaluation", evaluation_id=evaluation.pk)
    assert "Released to the employee. Score: 87.50 %." in cp.locator(".messages").inner_text()
    assert cp.locator("[data-score]").inner_text() == "87.50 %"
    assert "critical 100.00 %" in cp.locator("[data-result]").inner_text()
    assert cp.locator("[data-failed]").count() == 0
    assert cp.locator("[data-status]").inner_text() == "Released to the employee"
    # Read-only now: no buttons, no fields; each chosen answer in words with its points.
    assert cp.locator("[data-release]").count() == 0
    assert form.get_by_role("button", name="Save draft").count() == 0
    assert cp.locator("[data-comment-text]").count() == 0
    assert cp.locator("#summary").count() == 0
    assert form.locator("input[type=radio], textarea").count() == 0
    assert cp.locator(f'[data-chosen="{scale.pk}"]').inner_text() == "4 of 5 · 75 of 100 points"
    assert cp.locator(f'[data-chosen="{first.pk}"]').inner_text() == "yes · 100 of 100 points"
    assert cp.locator("[data-summary]").inner_text() == SUMMARY
    assert cp.locator("ul[data-comments] li").inner_text() == f"{pinned_second:.1f} s {COMMENT}"
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RELEASED
    assert (evaluation.score, evaluation.critical_score) == (Decimal("87.50"), Decimal("100.00"))
    assert evaluation.fatal_failed is False
    assert evaluation.released_at is not None
    assert coach.problems == [], "the browser reported errors"

    # 8. The employee finds it among the evaluations of their calls, reads it, acknowledges.
    employee = open_browser_for("acme-employee")
    ep = employee.page
    ep.goto(url(live_server, "organisations:dashboard"))
    with ep.expect_navigation():
        ep.locator("nav.mainnav a", has_text="Coaching").click()
    assert ep.url == url(live_server, "coaching:overview")
    received = ep.locator("[data-received] tbody tr")
    assert received.count() == 1
    row = received.first
    assert "Kwaliteitsformulier v1" in row.inner_text()
    assert row.locator("[data-score]").inner_text() == "87.50 %"
    assert "Released to the employee" in row.inner_text()
    assert ep.locator("[data-given]").count() == 0
    with ep.expect_navigation():
        row.locator("a").click()
    assert ep.url == url(live_server, "coaching:evaluation", evaluation_id=evaluation.pk)
    assert ep.locator("[data-score]").inner_text() == "87.50 %"
    assert ep.locator("[data-summary]").inner_text() == SUMMARY
    assert ep.locator("ul[data-comments] li").inner_text() == f"{pinned_second:.1f} s {COMMENT}"
    assert ep.locator("form[data-evaluation-form] input[type=radio]").count() == 0
    assert ep.locator(f'[data-chosen="{scale.pk}"]').inner_text() == "4 of 5 · 75 of 100 points"
    assert ep.locator("[data-release]").count() == 0
    assert ep.locator("[data-comment-text]").count() == 0
    acknowledge = ep.locator("[data-acknowledge-evaluation]")
    assert acknowledge.inner_text() == "I have read this evaluation"
    with ep.expect_navigation():
        acknowledge.click()
    assert ep.url == url(live_server, "coaching:evaluation", evaluation_id=evaluation.pk)
    assert "You have acknowledged this evaluation." in ep.locator(".messages").inner_text()
    assert ep.locator("[data-status]").inner_text() == "Acknowledged"
    assert ep.locator("[data-acknowledge-evaluation]").count() == 0
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED
    assert evaluation.acknowledged_at is not None
    ep.goto(url(live_server, "coaching:overview"))
    assert "Acknowledged" in ep.locator("[data-received] tbody tr").inner_text()

    actions = list(
        AuditEvent.objects.filter(target_id=str(evaluation.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "coaching.evaluation.started",
        "coaching.evaluation.released",
        "coaching.evaluation.acknowledged",
    ]
    assert employee.problems == [], "the browser reported errors"
