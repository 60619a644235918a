"""A new organisation's register, built in the browser.

The privacy officer of an organisation without a register finds, on the register page, that no
retention period for recordings is declared and a link to the next step; creates the processing
activity with three purposes, a 30-day recording retention and three recipients (the third added
with the page's "Add a recipient" button) in one save, after the page has shown a forgotten
retention beside its line; and the register then declares 30 days, as version 1.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from register.models import ProcessingActivity
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PURPOSES = [
    ("monitoring", "Monitoring en coaching van klantcontactmedewerkers", "legitimate_interest"),
    ("complaints", "Behandeling van klachten", "contract"),
    ("threats", "Bedreiging van medewerkers", "legal_obligation"),
]


@pytest.fixture
def officer_page(browser, live_server):
    """A page of its own: the refused first save answers 400, which the browser logs as a
    console error; every other console error still fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    context.close()
    refused = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert [text for text in problems if text != refused] == []
    assert problems.count(refused) == 1


def test_privacy_officer_creates_the_first_activity_with_three_purposes_in_one_save(
    officer_page, live_server, cast
):
    page = officer_page
    # The privacy officer signs in with password and TOTP code (a phone set up earlier).
    device = TOTPDevice.objects.create(user=cast["privacy_officer"], name="phone", confirmed=True)
    sign_in(page, live_server, "acme-privacy_officer")
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{live_server.url}{reverse('register:overview', kwargs={'org_slug': 'acme'})}")
    notice = page.locator("[data-retention-missing]")
    assert notice.locator("h2").inner_text() == "No retention period for recordings yet"
    with page.expect_navigation():
        notice.locator("[data-next-link]").click()
    assert page.locator("h1").inner_text() == "New processing activity"

    page.fill("#id_reference", "KC-01")
    page.fill("#id_name", "Opnemen en terugluisteren van klantgesprekken")
    page.fill("#id_controller_name", "De directeur Klantcontact")
    for index, (code, description, basis) in enumerate(PURPOSES):
        page.fill(f"#id_purposes-{index}-code", code)
        page.fill(f"#id_purposes-{index}-description", description)
        page.select_option(f"#id_purposes-{index}-legal_basis", basis)
    page.fill("#id_entries-0-subject_category", "Klanten en klantcontactmedewerkers")
    page.fill("#id_entries-0-personal_data", "Stem, telefoonnummer")
    page.fill("#id_entries-0-collection_purpose", "Kwaliteit van de dienstverlening")
    page.select_option("#id_entries-0-data_category", "recording")
    # The retention is forgotten at first.
    recipients = page.locator('[data-lines="recipients"]')
    assert recipients.locator("fieldset.line").count() == 2
    recipients.get_by_role("button", name="Add a recipient").click()
    assert recipients.locator("fieldset.line").count() == 3
    assert page.locator("input[name=recipients-TOTAL_FORMS]").input_value() == "3"
    for index, (name, kind) in enumerate(
        [
            ("Coaches", "internal_role"),
            ("Leidinggevenden", "internal_role"),
            ("Politie", "outside_party"),
        ]
    ):
        page.fill(f"#id_recipients-{index}-name", name)
        page.select_option(f"#id_recipients-{index}-kind", kind)

    with page.expect_navigation():
        page.click("[data-save]")
    line = page.locator('fieldset[data-line="entries-0"]')
    assert "This field is required." in line.locator(".errors").inner_text()
    assert not ProcessingActivity.objects.exists()
    # What was typed is still there, the added recipient too.
    assert page.locator("#id_purposes-2-code").input_value() == "threats"
    assert page.locator("#id_recipients-2-name").input_value() == "Politie"

    page.fill("#id_entries-0-retention_value", "30")
    page.fill("#id_entries-0-retention_text", "Uiterlijk 30 dagen na het gesprek.")
    with page.expect_navigation():
        page.click("[data-save]")
    assert page.locator(".message.success").inner_text() == "KC-01 is in the register as version 1."
    assert page.locator("[data-retention-missing]").count() == 0
    assert page.locator("tr[data-recording-retention] strong").inner_text() == "30 days"
    for code, _description, _basis in PURPOSES:
        assert page.locator(f'tr[data-purpose="{code}"]').count() == 1

    activity = ProcessingActivity.objects.get(organisation=cast.organisation)
    assert [p.code for p in activity.purposes.order_by("position")] == [c for c, _, _ in PURPOSES]
    assert [r.name for r in activity.recipients.order_by("position")] == [
        "Coaches",
        "Leidinggevenden",
        "Politie",
    ]
    assert activity.data_subject_entries.get().retention_days == 30
    assert activity.versions.get().number == 1


def test_administrator_imports_a_register_file_after_reading_the_preview(
    page, live_server, cast, tmp_path
):
    """The JSON export of another installation's register, uploaded, previewed and confirmed."""
    from register.document import register_document
    from register.exports import as_json
    from register.tests.helpers import small_register

    small_register(cast.other_organisation)
    exported = tmp_path / "register.json"
    exported.write_bytes(as_json(cast.other_organisation).content)

    device = TOTPDevice.objects.create(user=cast["administrator"], name="phone", confirmed=True)
    sign_in(page, live_server, "acme-administrator")
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{live_server.url}{reverse('register:overview', kwargs={'org_slug': 'acme'})}")
    with page.expect_navigation():
        page.click("[data-import]")
    assert page.locator("h1").inner_text() == "Import into the register"

    page.set_input_files("input[name=file]", str(exported))
    with page.expect_navigation():
        page.click("text=Check the file")
    planned = page.locator('[data-planned="R1"]')
    assert planned.get_attribute("data-outcome") == "created"
    assert "new activity (version 1)" in planned.inner_text()
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()
    with page.expect_navigation():
        page.click("[data-confirm-import]")
    assert page.locator(".message.success").inner_text() == "Imported: R1."
    assert page.locator("[data-retention-missing]").count() == 0
    assert (
        register_document(cast.organisation)["activities"]
        == register_document(cast.other_organisation)["activities"]
    )
