"""The processing register in the browser, as the privacy officer and an employee visit it.

A recording policy is published. The privacy officer signs in (password and TOTP), is shown the
policy before anything else, acknowledges it and goes on to the register they asked for; reads
the evidence with its mismatches in red and who has not acknowledged the policy yet; reads the
register in Dutch and files it as PDF and JSON; shortens the retention of recordings from 28 to
21 days, and finds version 1, with its 28 days, kept beside the new version 2. An employee
(password only) is held at the policy too, acknowledges it, reaches their dashboard, and drops
off the privacy officer's list of members who have not acknowledged.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import translation

from register.acknowledgement import policy_acknowledge, policy_publish
from register.models import DataSubjectEntry, PolicyAcknowledgement
from register.tests.helpers import small_register
from tests.browser import test_four_eyes
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Sign in with password and TOTP in a browser context of one's own; console errors collected.
open_browser_for = test_four_eyes.open_browser_for

POLICY = {
    "title_nl": "Beleid gespreksopname",
    "title_en": "Call recording policy",
    "text_nl": "Gesprekken worden opgenomen voor coaching. De bewaartermijn is 28 dagen.",
    "text_en": "Calls are recorded for coaching. They are kept for 28 days.",
}
BAD = "rgb(164, 22, 26)"  # --bad in earshot.css: a mismatch is shown in red


def url(live_server, name: str, **kwargs) -> str:
    return f"{live_server.url}{reverse(name, kwargs={'org_slug': 'acme', **kwargs})}"


def acknowledge_url(live_server, next_path: str) -> str:
    return f"{url(live_server, 'register:policy_acknowledge')}?next={quote(next_path, safe='/')}"


def color(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).color")


def switch_language(page, code: str, button: str) -> None:
    form = page.locator("form.language")
    form.locator("select[name=language]").select_option(code)
    with page.expect_navigation():
        form.get_by_role("button", name=button).click()


def download(page, selector: str):
    with page.expect_download() as info:
        page.click(selector)
    return info.value


@pytest.fixture
def published(cast):
    activity = small_register(cast.organisation)
    policy = policy_publish(organisation=cast.organisation, actor=cast["privacy_officer"], **POLICY)
    return activity, policy


def test_privacy_officer_acknowledges_the_policy_reads_the_evidence_exports_and_edits(
    open_browser_for, live_server, cast, published
):
    activity, policy = published
    register_url = url(live_server, "register:overview")
    register_path = reverse("register:overview", kwargs={"org_slug": "acme"})

    # 1. Signed in, the privacy officer is shown the recording policy before anything else
    # (the sign-in went on to the home page, which the policy now holds up).
    officer = open_browser_for("acme-privacy_officer")
    op = officer.page
    assert op.url == acknowledge_url(live_server, "/")
    assert op.locator("h1").inner_text() == POLICY["title_en"]
    assert op.locator("[data-policy-version]").get_attribute("data-policy-version") == "1"
    assert op.locator("[data-policy-version]").inner_text() == POLICY["text_en"]
    # Asking for the register instead does not get past it; the policy remembers the wish.
    op.goto(register_url)
    assert op.url == acknowledge_url(live_server, register_path)
    button = op.locator("[data-acknowledge]")
    assert button.inner_text() == "I have read this policy and will follow it"
    with op.expect_navigation():
        button.click()
    assert op.url == register_url
    assert op.locator("h1").inner_text() == "Processing register"
    assert PolicyAcknowledgement.objects.filter(
        policy=policy, user=cast["privacy_officer"]
    ).exists()

    # 2. The evidence: no purge has run, the audit trail is unverified, and six members have
    # not acknowledged the policy. Each finding is named at the top and shown in red.
    evidence = op.locator("[data-evidence]")
    findings = evidence.locator("[data-findings]")
    count = int(findings.get_attribute("data-findings"))
    assert count >= 1
    assert findings.inner_text().startswith(f"{count} lines do not hold what the register")
    assert color(findings) == BAD
    mismatches = op.locator("[data-mismatch]")
    assert mismatches.count() == count
    for index in range(count):
        assert color(mismatches.nth(index)) == BAD
    summary = evidence.locator("dl.facts")
    policy_line = summary.locator("dt", has_text="Recording policy acknowledged")
    policy_value = policy_line.locator("xpath=following-sibling::dd[1]")
    assert policy_value.inner_text() == "version 1: 1 of 7 members, 6 not yet"
    assert policy_value.get_attribute("data-mismatch") is not None
    retention = op.locator("dl[data-evidence-retention]")
    last_purge = retention.locator("dt", has_text="Last purge").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert last_purge.inner_text() == "never run"
    assert last_purge.get_attribute("data-mismatch") is not None
    assert color(last_purge) == BAD
    declared = retention.locator("dt", has_text="Recording retention declared").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert declared.inner_text() == "28 days"
    assert declared.get_attribute("data-mismatch") is None
    assert color(declared) != BAD
    # Every declared purpose has its evidence beside it (nobody listened yet: all zero).
    for code in ("coaching", "misconduct"):
        cell = op.locator(f'tr[data-purpose="{code}"] td').nth(2)
        assert cell.inner_text().startswith("listens 0 / 0;")
        assert color(cell.locator("span")) != BAD
    assert op.locator("tr[data-recording-retention] strong").inner_text() == "28 days"

    # 3. The policy's coverage: the employee has not acknowledged, the privacy officer has.
    op.get_by_role("link", name="Recording policy", exact=True).click()
    op.wait_for_load_state()
    assert op.url == url(live_server, "register:policy")
    coverage = op.locator("[data-coverage]")
    assert (
        coverage.locator("[data-coverage-count]").inner_text()
        == "1 of 7 members have acknowledged the current version."
    )
    missing = coverage.locator("[data-missing] li")
    assert missing.count() == 6
    assert missing.filter(has_text="acme-employee").inner_text() == "acme-employee (Employee)"
    assert missing.filter(has_text="acme-privacy_officer").count() == 0
    op.go_back()
    op.wait_for_load_state()

    # 4. In Dutch: the register's title and the legal basis in the officer's own language.
    switch_language(op, "nl", "Change")
    assert op.url == register_url
    assert op.locator("h1").inner_text() == "Verwerkingsregister"
    assert "Gerechtvaardigd belang" in op.locator('tr[data-purpose="coaching"]').inner_text()
    assert op.locator("html").get_attribute("lang") == "nl"

    # 5. Filed as PDF and JSON, in the language of the page, with the evidence in it.
    pdf = download(op, 'a[data-export="pdf"]')
    assert pdf.suggested_filename.startswith("register-acme-")
    assert pdf.suggested_filename.endswith(".pdf")
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF")
    exported = download(op, 'a[data-export="json"]')
    assert exported.suggested_filename.endswith(".json")
    document = json.loads(Path(exported.path()).read_text(encoding="utf-8"))
    assert document["organisation"] == cast.organisation.name
    [r1] = document["activities"]
    assert r1["reference"] == "R1"
    assert [p["code"] for p in r1["purposes"]] == ["coaching", "misconduct"]
    assert r1["data_subject_entries"][0]["retention_value"] == 28
    with translation.override("nl"):
        last_purge_nl = translation.gettext("Last purge")
    assert last_purge_nl != "Last purge"
    [exported_purge] = [line for line in document["evidence"] if line["label"] == last_purge_nl]
    assert exported_purge["ok"] is False
    assert sum(not line["ok"] for line in document["evidence"]) == count
    assert op.url == register_url  # downloading did not leave the page

    # Back to English for the edit.
    switch_language(op, "en", "Wijzigen")
    assert op.locator("h1").inner_text() == "Processing register"

    # 6. The privacy officer shortens the retention of recordings from 28 to 21 days.
    entry = op.locator(f"#activity-{activity.pk}")
    entry.get_by_role("link", name="Edit", exact=True).click()
    op.wait_for_load_state()
    assert op.url == url(live_server, "register:activity_edit", activity_id=activity.pk)
    assert op.locator("h1").inner_text() == "Edit R1"
    line = op.locator('fieldset[data-line="entries-0"]')
    days = line.locator('input[name="entries-0-retention_value"]')
    assert days.input_value() == "28"
    days.fill("21")
    text = line.locator('textarea[name="entries-0-retention_text"]')
    assert text.input_value() == "Uiterlijk 28 dagen na de opnamedatum."
    text.fill("Uiterlijk 21 dagen na de opnamedatum.")
    with op.expect_navigation():
        op.get_by_role("button", name="Save as a new version").click()
    assert op.url == register_url
    assert op.locator(".messages").inner_text() == "Saved as version 2 of R1."
    assert op.locator("tr[data-recording-retention] strong").inner_text() == "21 days"
    assert "Uiterlijk 21 dagen" in op.locator("tr[data-recording-retention]").inner_text()
    assert declared.inner_text() == "21 days"
    assert DataSubjectEntry.objects.get(activity=activity).retention_value == 21

    # 7. Both versions are kept: the new one first, and version 1 still says 28 days.
    entry.get_by_role("link", name="Versions", exact=True).click()
    op.wait_for_load_state()
    assert op.url == url(live_server, "register:versions", activity_id=activity.pk)
    rows = op.locator("tr[data-version]")
    assert [rows.nth(i).get_attribute("data-version") for i in range(rows.count())] == ["2", "1"]
    newest = op.locator('tr[data-version="2"]')
    assert "acme-privacy_officer" in newest.inner_text()
    assert "data_subject_entries 1: retention_value, retention_text" in newest.inner_text()
    assert "created" in op.locator('tr[data-version="1"]').inner_text()
    op.locator('tr[data-version="1"] a').click()
    op.wait_for_load_state()
    assert op.url == url(live_server, "register:version", activity_id=activity.pk, number=1)
    assert op.locator("h1").inner_text() == "R1, version 1"
    kept = op.locator("td[data-retention]")
    assert kept.locator("strong").inner_text() == "28 days"
    assert "Uiterlijk 28 dagen na de opnamedatum." in kept.inner_text()

    assert officer.problems == [], "the browser reported errors"


def test_employee_acknowledges_the_policy_and_leaves_the_missing_list(
    page, open_browser_for, live_server, cast, published
):
    _activity, policy = published
    policy_acknowledge(policy=policy, user=cast["privacy_officer"], language="en")

    # The employee signs in with a password and is shown the policy before the dashboard.
    sign_in(page, live_server, "acme-employee")
    assert page.url == acknowledge_url(live_server, "/")
    assert page.locator("h1").inner_text() == POLICY["title_en"]
    assert page.locator("[data-policy-version]").inner_text() == POLICY["text_en"]
    with page.expect_navigation():
        page.locator("[data-acknowledge]").click()
    assert page.url == url(live_server, "organisations:dashboard")
    assert page.locator("h1").inner_text() == "Acme Klantcontact"
    assert "You work here as Employee" in page.content()
    # From now on the employee goes where they like.
    page.goto(url(live_server, "requests:list"))
    assert page.url == url(live_server, "requests:list")
    assert PolicyAcknowledgement.objects.get(policy=policy, user=cast["employee"]).language == "en"
    # Opened again, the policy says it has been acknowledged and offers to go on.
    page.goto(acknowledge_url(live_server, "/"))
    assert page.locator("[data-acknowledged]").inner_text() == "You have acknowledged this version."
    assert page.locator("[data-acknowledge]").count() == 0

    # The privacy officer no longer finds the employee among those who have not acknowledged.
    officer = open_browser_for("acme-privacy_officer")
    op = officer.page
    op.goto(url(live_server, "register:policy"))
    assert op.url == url(live_server, "register:policy")
    coverage = op.locator("[data-coverage]")
    assert (
        coverage.locator("[data-coverage-count]").inner_text()
        == "2 of 7 members have acknowledged the current version."
    )
    missing = coverage.locator("[data-missing] li")
    assert missing.count() == 5
    assert missing.filter(has_text="acme-employee").count() == 0
    assert missing.filter(has_text="acme-coach").count() == 1
    assert officer.problems == [], "the browser reported errors"
