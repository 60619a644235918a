"""A calibration session in the browser: the employee consents, three coaches score blind, compare.

The coach asks the employee's consent to use a call as a calibration case, with a note; the
employee, in a browser of their own, reads the question under Coaching and grants it. The coach
then opens a calibration session on the call for three coaches of team A (the coach is lead and
expert; the employee's name hidden). Each coach, in a browser of their own, scores the call:
the employee's name is hidden, nobody else's answers show, and after submitting the session page
shows them as submitted. Until the lead closes the session nobody sees a comparison or another
coach's sheet (404). Closed, a participant reads the comparison: the answers side by side with
their spread, each coach's deviation from the expert, Krippendorff's alpha and a chart of dots.
"""

from __future__ import annotations

import pytest

from access.tests import conftest as access_fixtures
from audit.models import AuditEvent
from coaching.calibration import calibration_comparison
from coaching.constants import ConsentStatus, EvaluationStatus, SessionStatus
from coaching.models import CalibrationSession, Consent, Evaluation
from coaching.tests import conftest as coaching_fixtures
from coaching.tests.test_consent_and_calibration import coaches  # noqa: F401  (fixture)
from tests.browser import test_evaluate
from tests.browser.test_evaluate import answer, criteria, is_autosave, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The gate's small world (the coach coaches team A; `own_call` holds 2 s of real audio and is
# the employee's), a published QM form, and coach-anna and coach-bram beside the cast's coach.
world = access_fixtures.world
published_form = coaching_fixtures.published_form
# Sign in with the password only (coaches, employees); console errors collected per person.
open_browser_for = test_evaluate.open_browser_for

NOTE = "Mooi voorbeeld van een lastige klantvraag voor de kalibratie"
# Per coach the answers to the five criteria: yes/no (1/0), yes/no, 1-5, critical, fatal.
SCORES = {
    "acme-coach": ["1", "1", "4", "1", "1"],
    "coach-anna": ["1", "0", "3", "1", "1"],
    "coach-bram": ["0", "1", "5", "1", "1"],
}


def test_employee_consents_three_coaches_score_blind_and_compare(
    open_browser_for,
    live_server,
    world,
    published_form,
    coaches,  # noqa: F811
):
    call = world.own_call
    call_url = url(live_server, "access:recording_detail", recording_id=call.pk)
    form_criteria = criteria(published_form)
    scale, fatal = form_criteria[2], form_criteria[4]
    assert scale.answer_type == "scale_1_5"
    assert (fatal.kind, fatal.not_applicable_allowed) == ("fatal", False)
    employee_name = call.employee.name

    # 1. The coach asks the employee's consent from the call's page, with a note.
    lead = open_browser_for("acme-coach")
    lp = lead.page
    lp.goto(call_url)
    actions = lp.locator("ul[data-recording-actions]")
    ask = actions.locator("a", has_text="Ask the employee's consent to use this call")
    assert ask.count() == 1
    assert actions.locator("a", has_text="Open a calibration session").count() == 0
    with lp.expect_navigation():
        ask.click()
    assert lp.url == url(live_server, "coaching:consent_ask", recording_id=call.pk)
    assert employee_name in lp.locator("main").inner_text()
    lp.get_by_label("Use the call").select_option(label="as a calibration case")
    lp.get_by_label("Why you ask (the employee reads this)").fill(NOTE)
    with lp.expect_navigation():
        lp.get_by_role("button", name="Ask", exact=True).click()
    assert lp.url == call_url
    assert "Asked. Status: Asked, not yet answered." in lp.locator(".messages").inner_text()
    # In place of the link, a plain note (beside "Evaluate this call with a QM form").
    waiting = actions.locator("li", has_text="Consent asked, waiting for the employee")
    assert waiting.count() == 1
    assert waiting.inner_text() == "Consent asked, waiting for the employee"
    assert waiting.locator("a").count() == 0
    assert actions.locator("a", has_text="consent").count() == 0
    consent = Consent.objects.get(recording=call)
    assert (consent.use, consent.note, consent.status) == (
        "calibration",
        NOTE,
        ConsentStatus.PENDING,
    )

    # 2. The employee finds the question under Coaching, reads the note and grants it.
    employee = open_browser_for("acme-employee")
    ep = employee.page
    ep.goto(url(live_server, "organisations:dashboard"))
    with ep.expect_navigation():
        ep.locator("nav.mainnav a", has_text="Coaching").click()
    assert ep.url == url(live_server, "coaching:overview")
    question = ep.locator(f'[data-consents] tr[data-consent="{consent.pk}"]')
    assert question.count() == 1
    text = question.inner_text()
    assert "as a calibration case" in text and NOTE in text
    assert "acme-coach" in text and "Asked, not yet answered" in text
    with ep.expect_navigation():
        question.get_by_role("button", name="Grant").click()
    assert ep.url == url(live_server, "coaching:overview")
    assert "Your answer is recorded." in ep.locator(".messages").inner_text()
    assert "Granted" in question.inner_text()
    assert question.get_by_role("button", name="Grant").count() == 0
    assert question.get_by_role("button", name="Withdraw").count() == 1
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED

    # 3. The coach, back on the call's page, opens a session for the three coaches of team A.
    lp.reload()
    open_link = actions.locator("a", has_text="Open a calibration session on this call")
    assert open_link.count() == 1
    with lp.expect_navigation():
        open_link.click()
    assert lp.url == url(live_server, "coaching:calibration_new", recording_id=call.pk)
    assert lp.locator(".refusal").count() == 0  # the consent is there
    lp.get_by_label("QM form").select_option(str(published_form.pk))
    lp.get_by_label("Purpose").select_option("coaching")
    for username in SCORES:
        lp.get_by_label(username, exact=True).check()
    lp.get_by_label("Expert (the reference)").select_option(label="acme-coach")
    hide = lp.get_by_label("Hide the employee's name until the session is closed")
    assert hide.is_checked()
    assert lp.locator("input[name=closes_by]").input_value() != ""
    with lp.expect_navigation():
        lp.get_by_role("button", name="Open the session").click()
    session = CalibrationSession.objects.get(recording=call)
    session_url = url(live_server, "coaching:calibration", session_id=session.pk)
    assert lp.url == session_url
    assert sorted(session.participants.values_list("username", flat=True)) == sorted(SCORES)
    assert (session.lead, session.expert) == (world.cast["coach"], world.cast["coach"])
    assert (session.purpose.code, session.hide_employee) == ("coaching", True)
    assert lp.locator("[data-session-status]").inner_text() == "Open: scoring blind"
    assert employee_name not in lp.locator("main").inner_text()
    assert lp.locator("[data-participants] li").all_inner_texts() == [
        "acme-coach (expert): not yet",
        "coach-anna: not yet",
        "coach-bram: not yet",
    ]

    # 4. Each coach scores blind in a browser of their own and is taken back to the session.
    people = {"acme-coach": lead}
    for username in ("coach-anna", "coach-bram"):
        people[username] = open_browser_for(username)
    sheets = {}
    for username, values in SCORES.items():
        page = people[username].page
        if username == "acme-coach":
            page.goto(session_url)
        else:  # the others find the session under Coaching
            page.goto(url(live_server, "coaching:overview"))
            link = page.locator("[data-sessions] a")
            assert link.count() == 1
            with page.expect_navigation():
                link.click()
        assert page.url == session_url
        assert page.locator("[data-comparison]").count() == 0
        with page.expect_navigation():
            page.get_by_role("button", name="Score this call").click()
        sheet = Evaluation.objects.get(calibration=session, coach__username=username)
        sheets[username] = sheet
        assert page.url == url(live_server, "coaching:evaluation", evaluation_id=sheet.pk)
        assert page.locator("[data-calibration]").inner_text() == (
            "Blind score for a calibration session"
        )
        hidden = page.locator("[data-employee-hidden]")
        assert hidden.inner_text() == "employee hidden until the session is closed"
        assert employee_name not in page.locator("main").inner_text()
        # Nobody else's answers: the sheet starts empty, whoever submitted before.
        form = page.locator("form[data-evaluation-form]")
        assert form.locator("[data-criterion]").count() == 5
        assert form.locator("input[type=radio]:checked").count() == 0
        assert form.locator(f'input[name="answer-{fatal.pk}"][value="na"]').count() == 0
        assert form.locator(f'input[name="answer-{scale.pk}"]').count() == 6  # 1..5 and n/a
        submit = page.locator("[data-release]")
        assert submit.inner_text() == "Submit my scores"
        for criterion, value in zip(form_criteria[:-1], values[:-1], strict=True):
            answer(page, criterion, value)
        # The last answer's autosave carries them all; wait for it before submitting.
        with page.expect_response(lambda response: is_autosave(response, fatal)) as saved:
            answer(page, fatal, values[-1])
        assert saved.value.status == 200
        with page.expect_navigation():
            submit.click()
        assert page.url == session_url
        assert "Your calibration scores are submitted." in page.locator(".messages").inner_text()
        mine = page.locator("[data-participants] li", has_text=username)
        assert mine.locator("strong").inner_text() == "scores submitted"
        assert page.locator("[data-comparison]").count() == 0
        sheet.refresh_from_db()
        assert sheet.status == EvaluationStatus.RELEASED
        stored = {a.criterion_id: a.value for a in sheet.answers.all()}
        assert stored == {c.pk: int(v) for c, v in zip(form_criteria, values, strict=True)}

    # Before closing: everyone is listed as submitted, yet nobody sees a comparison, and
    # another coach's sheet is not found (a 404 the browser reports as a failed load).
    for username, person in people.items():
        page = person.page
        page.goto(session_url)
        assert page.locator("[data-participants] strong").count() == 3
        assert page.locator("[data-comparison]").count() == 0
        assert page.locator("[data-session-status]").inner_text() == "Open: scoring blind"
        is_lead = username == "acme-coach"
        assert page.locator("[data-close-session]").count() == (1 if is_lead else 0)
        person.refusals_expected = True
        for other, sheet in sheets.items():
            if other == username:
                continue
            response = page.goto(url(live_server, "coaching:evaluation", evaluation_id=sheet.pk))
            assert response.status == 404, (username, other)
        # Their own sheet is still theirs to read, but no longer to change. (Only once the
        # browser has left the bare 404 page, whose /favicon.ico is refused too, does a failed
        # load count as a problem again.)
        page.goto(url(live_server, "coaching:evaluation", evaluation_id=sheets[username].pk))
        person.refusals_expected = False
        assert page.locator("form[data-evaluation-form] input[type=radio]:enabled").count() == 0
        assert page.locator("[data-release]").count() == 0

    # 5. The lead closes the session; a participant reads the comparison.
    lp.goto(session_url)
    close = lp.get_by_role("button", name="Close the session and compare")
    with lp.expect_navigation():
        close.click()
    assert lp.url == session_url
    assert lp.locator("[data-session-status]").inner_text() == "Closed: compared"
    assert lp.locator("[data-comparison]").is_visible()
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    comparison = calibration_comparison(session)
    assert comparison.alpha is not None

    ap = people["coach-anna"].page
    ap.goto(session_url)
    assert ap.locator("[data-session-status]").inner_text() == "Closed: compared"
    assert employee_name in ap.locator("main > p.muted").first.inner_text()  # no longer hidden
    assert ap.get_by_role("button", name="Score this call").count() == 0
    shown = ap.locator("[data-comparison]")
    assert shown.is_visible()
    table = shown.locator("table")
    assert table.locator("thead th").all_inner_texts() == [
        "#",
        "Criterion",
        "acme-coach ★",
        "coach-anna",
        "coach-bram",
        "Spread (0–10)",
    ]
    rows = table.locator("tbody tr[data-criterion-row]")
    assert rows.count() == 5
    expected = [
        ["✓", "✓", "✗", "10.0"],
        ["✓", "✗", "✓", "10.0"],
        ["4", "3", "5", "5.0"],
        ["✓", "✓", "✓", "0.0"],
        ["✓", "✓", "✓", "0.0"],
    ]
    for n, (criterion, cells) in enumerate(zip(form_criteria, expected, strict=True)):
        assert rows.nth(n).locator("td").all_inner_texts() == [str(n + 1), criterion.text, *cells]
    # Mean deviation from the expert on the 0-10 scale: none for the expert herself; anna and
    # bram each differ by 10 on one yes/no and by 2.5 on the scale: 12.5 / 5 = 2.5.
    deviation = table.locator("tfoot tr")
    assert "Mean deviation from the expert (0–10)" in deviation.locator("th").inner_text()
    assert deviation.locator("[data-deviation]").all_inner_texts() == ["—", "2.5", "2.5"]
    assert comparison.deviations == [None, 2.5, 2.5]
    alpha = shown.locator("[data-alpha]")
    assert "Agreement (Krippendorff's alpha, ordinal)" in alpha.inner_text()
    assert alpha.locator("strong").inner_text() == f"{comparison.alpha:.3f}"  # English decimals
    # The chart: one dot per answered criterion per coach, at 20 + 30 × (answer on 0-10);
    # the expert's dots are rings.
    chart = shown.locator("svg.chart")
    assert chart.is_visible()
    dots = chart.locator("circle")
    assert dots.count() == 5 * 3
    positions = {"1": 320.0, "0": 20.0, "3": 170.0, "4": 245.0, "5": 320.0}
    for n in range(5):
        row_dots = dots.nth(3 * n), dots.nth(3 * n + 1), dots.nth(3 * n + 2)
        for dot, username in zip(row_dots, SCORES, strict=True):
            assert dot.locator("title").text_content() == username
            assert float(dot.get_attribute("cx")) == positions[SCORES[username][n]]
            assert dot.get_attribute("r") == ("6" if username == "acme-coach" else "4")
    assert chart.locator("circle[fill=none]").count() == 5

    # The scores never reach the employee's own results.
    ep.goto(url(live_server, "coaching:overview"))
    assert ep.locator("[data-received]").count() == 0
    event = AuditEvent.objects.get(action="coaching.calibration.closed")
    assert event.detail["alpha"] == comparison.alpha

    for person in (employee, *people.values()):
        assert person.problems == [], "the browser reported errors"
