"""Onboarding from nothing to the first purge, in real browsers, without a shell at any step.

The only scripted step is the documented one: `manage.py create_installation_admin`. Then the
installation administrator creates an organisation and invites its administrator, who accepts
the e-mailed link, chooses a password and sets up two-factor sign-in; builds the register (three
purposes, recordings kept 30 days); publishes the access policy (coaches hear their teams' calls
for coaching) and the recording policy; invites a second administrator and a coach, whose
invitation waits until that second administrator approves it (four eyes: a coach may hear
calls); creates a team with the coach and imports its employees from a CSV file with their PBX
agent ids; creates an ingest token. A recorder pushes a call through the API with the token and
the employee's agent id; the coach plays it under the standing right. Then the clock moves past
the 30 days, the nightly purge erases the call, the retention page shows the run and the setup
checklist on the dashboard is complete.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import httpx
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from recordings.models import Recording
from recordings.tests.factories import wav_bytes
from retention.tasks import purge_organisation_task
from tests.browser.test_four_eyes import Person
from tests.browser.test_player import AUDIO, wait_audio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "kcc-voorbeeld"
PASSWORD = "een lange wachtzin voor iedereen"
PURPOSES = [
    ("coaching", "Coaching van klantcontactmedewerkers", "legitimate_interest"),
    ("complaints", "Behandeling van klachten", "contract"),
    ("threats", "Bedreiging van medewerkers", "legal_obligation"),
]


# -- small helpers: one person, one browser context ------------------------------------------


def open_browser(browser, live_server, name: str) -> Person:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    person = Person(name, context.new_page())
    person.page.on("console", person.on_console)
    person.page.on("pageerror", lambda exc: person.problems.append(f"{name}: {exc}"))
    return person


def submit(page, selector: str = "main button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


def messages_text(page) -> str:
    return page.locator(".messages").inner_text()


def enter_code(page, username: str) -> None:
    """The code the authenticator app shows (the app was set up from the page's QR code)."""
    device = TOTPDevice.objects.get(user__username=username)
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    submit(page)


def set_up_two_factor(page, username: str) -> None:
    assert "/account/two-factor/" in page.url, page.url
    assert page.locator(".qr svg").is_visible()
    enter_code(page, username)
    # The backup codes are shown once.
    assert page.locator("[data-backup-codes]").count() == 1
    with page.expect_navigation():
        page.click("text=I have stored them, continue")
    assert "/account/" not in page.url


def sign_in(page, live_server, username: str, *, two_factor: bool = True) -> None:
    page.goto(f"{live_server.url}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    if two_factor:
        enter_code(page, username)
    assert "/account/" not in page.url, page.url


def acknowledge_policy_if_asked(page) -> None:
    if page.locator("[data-acknowledge]").count():
        submit(page, "[data-acknowledge]")


def last_invitation_link() -> str:
    return re.search(r"http://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)


def accept_invitation(page, link: str, username: str, *, two_factor: bool = True) -> None:
    page.goto(link)
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page)
    if two_factor:
        set_up_two_factor(page, username)
    else:  # a coach signs in with a password alone
        assert "/account/" not in page.url


def org_url(live_server, path: str = "") -> str:
    return f"{live_server.url}/o/{SLUG}/{path}"


# -- the test --------------------------------------------------------------------------------


def test_from_installation_to_the_first_purge_without_a_shell(
    browser, live_server, settings, monkeypatch, tmp_path
):
    settings.BASE_URL = live_server.url
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command(
        "create_installation_admin",
        "ict",
        "--email=ict@example.nl",
        "--password-stdin",
        stdout=io.StringIO(),
    )

    # 1. The installation administrator: first sign-in sets up two-factor, then an organisation.
    ict = open_browser(browser, live_server, "ict")
    page = ict.page
    page.goto(f"{live_server.url}/account/login/")
    page.fill("input[name=username]", "ict")
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    set_up_two_factor(page, "ict")
    assert page.locator("h1").inner_text() == "Installation"
    with page.expect_navigation():
        page.click("text=New organisation")
    page.fill("input[name=name]", "KCC Voorbeeld")
    page.fill("input[name=slug]", SLUG)
    submit(page)
    page.fill("input[name=email]", "beheer@voorbeeld.example")
    submit(page, "main form.card button[type=submit]")
    assert "Waiting to be accepted" in page.locator("tr[data-invitation]").inner_text()

    # 2. Its administrator accepts the e-mailed link, in a browser of her own.
    admin = open_browser(browser, live_server, "beheer")
    page = admin.page
    accept_invitation(page, last_invitation_link(), "beheer")
    assert "You work here as Administrator" in page.content()
    assert "Setting up: 0 of" in page.locator("[data-setup-checklist] h2").inner_text()
    assert page.locator('[data-setup-checklist] li[data-done="yes"]').count() == 0

    # 3. The register: one activity, three purposes, recordings 30 days, cases a year.
    with page.expect_navigation():
        page.locator("[data-setup-checklist] a", has_text="retention for recordings").click()
    assert page.locator("h1").inner_text() == "New processing activity"
    page.fill("#id_reference", "KC-01")
    page.fill("#id_name", "Opnemen en terugluisteren van klantgesprekken")
    page.fill("#id_controller_name", "De directeur Klantcontact")
    for index, (code, description, basis) in enumerate(PURPOSES):
        page.fill(f"#id_purposes-{index}-code", code)
        page.fill(f"#id_purposes-{index}-description", description)
        page.select_option(f"#id_purposes-{index}-legal_basis", basis)
    for index, (category, days, text) in enumerate(
        [
            ("recording", "30", "Uiterlijk 30 dagen na het gesprek."),
            ("case", "365", "Een jaar na het sluiten van de zaak."),
        ]
    ):
        page.fill(f"#id_entries-{index}-subject_category", "Klanten en medewerkers")
        page.fill(f"#id_entries-{index}-personal_data", "Stem, telefoonnummer")
        page.fill(f"#id_entries-{index}-collection_purpose", "Kwaliteit van de dienstverlening")
        page.select_option(f"#id_entries-{index}-data_category", category)
        page.fill(f"#id_entries-{index}-retention_value", days)
        page.fill(f"#id_entries-{index}-retention_text", text)
    page.fill("#id_recipients-0-name", "Coaches")
    page.select_option("#id_recipients-0-kind", "internal_role")
    submit(page, "[data-save]")
    assert page.locator(".message.success").inner_text() == "KC-01 is in the register as version 1."
    assert page.locator("tr[data-recording-retention] strong").inner_text() == "30 days"

    # 4. The access policy: coaches hear their teams' calls for coaching; the other purposes
    #    only on request, approved by the privacy officer.
    page.goto(org_url(live_server, "policy/"))
    for code, _description, _basis in PURPOSES:
        with page.expect_navigation():
            page.locator(f'tr[data-purpose="{code}"]').get_by_role("link", name="Change").click()
        if code == "coaching":
            page.select_option("select[name=standing_coach]", "coached_teams")
        else:
            page.check("input[name=requester_roles][value=manager]")
            page.check("input[name=approver_roles][value=privacy_officer]")
        submit(page, "main form button[type=submit]")
        assert "Saved as version" in messages_text(page)
    coaching_row = page.locator('tr[data-purpose="coaching"]').inner_text()
    assert "Calls of the teams the person works with" in coaching_row

    # 5. The recording policy, published; the administrator acknowledges it herself.
    page.goto(org_url(live_server, "register/recording-policy/"))
    with page.expect_navigation():
        page.click("text=Publish the recording policy")
    for name in ("title_nl", "title_en"):
        page.fill(f"[name={name}]", "Opnamebeleid" if name == "title_nl" else "Recording policy")
    page.fill("[name=text_nl]", "Gesprekken worden 30 dagen bewaard.")
    page.fill("[name=text_en]", "Calls are kept for 30 days.")
    submit(page, "main form button[type=submit]")
    assert page.locator("[data-acknowledge]").count() == 1  # she is asked too
    acknowledge_policy_if_asked(page)
    page.goto(org_url(live_server, "register/recording-policy/"))
    coverage = page.locator("[data-coverage-count]").inner_text()
    assert coverage == "1 of 1 members have acknowledged the current version."

    # 6. A second administrator, then a coach: the coach may hear calls, so the invitation
    #    waits until the second administrator approves it.
    page.goto(org_url(live_server, "invitations/"))
    page.fill("input[name=email]", "tweede@voorbeeld.example")
    page.select_option("select[name=role]", "administrator")
    submit(page, "main form.card button[type=submit]")
    second = open_browser(browser, live_server, "tweede")
    accept_invitation(second.page, last_invitation_link(), "tweede")
    acknowledge_policy_if_asked(second.page)

    sent = len(mail.outbox)
    page.goto(org_url(live_server, "invitations/"))
    page.fill("input[name=email]", "coach@voorbeeld.example")
    page.select_option("select[name=role]", "coach")
    submit(page, "main form.card button[type=submit]")
    assert "once another administrator or the privacy officer approves it" in messages_text(page)
    assert len(mail.outbox) == sent  # nothing sent yet
    coach_row = page.locator("tr[data-invitation]", has_text="coach@voorbeeld.example")
    assert coach_row.get_by_role("button", name="Approve and send").count() == 0

    second.page.goto(org_url(live_server, "invitations/"))
    waiting = second.page.locator("tr[data-invitation]", has_text="coach@voorbeeld.example")
    with second.page.expect_navigation():
        waiting.get_by_role("button", name="Approve and send").click()
    assert len(mail.outbox) == sent + 1
    coach = open_browser(browser, live_server, "coach")
    accept_invitation(coach.page, last_invitation_link(), "coach", two_factor=False)
    acknowledge_policy_if_asked(coach.page)

    # 7. A team with the coach; its employees from the contact centre's CSV, with agent ids.
    page.goto(org_url(live_server, "teams/"))
    page.fill("input[name=name]", "Team Noord")
    page.get_by_label("coach").check()
    submit(page, "main form button:has-text('Create team')")
    assert "Team Team Noord is created." in messages_text(page)
    page.goto(org_url(live_server, "employees/"))
    with page.expect_navigation():
        page.get_by_role("link", name="Import employees from a CSV file").click()
    csv = tmp_path / "medewerkers.csv"
    csv.write_text("naam;agent_id;team\r\nEsther Çelik;4001;Team Noord\r\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(csv))
    submit(page, "main button:has-text('Check the file')")
    submit(page, "main button:has-text('Import these employees')")
    assert "1 employee is imported." in messages_text(page)

    # 8. An ingest token for the recorder, shown once.
    page.goto(org_url(live_server, "tokens/"))
    page.fill("input[name=name]", "Asterisk")
    submit(page, "main form button[type=submit]")
    raw = page.locator("#raw-token").input_value()

    # 9. A call arrives through the API with the employee's agent id.
    started = timezone.now() - timedelta(minutes=10)
    answer = httpx.post(
        f"{live_server.url}/api/v1/recordings",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"},
        data={
            "metadata": json.dumps(
                {
                    "call_id": "pbx-0001",
                    "direction": "inbound",
                    "started_at": started.isoformat(),
                    "agent_id": "4001",
                }
            )
        },
        files={"audio": ("call.wav", wav_bytes(seconds=4), "audio/wav")},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    recording = Recording.objects.get()
    assert recording.employee.name == "Esther Çelik"

    # 10. The coach plays it under the standing right; the gate answers the audio requests.
    submit(coach.page, "header button[type=submit]")  # signed out since accepting
    sign_in(coach.page, live_server, "coach", two_factor=False)
    statuses: list[int] = []
    coach.page.on("response", lambda r: "/audio" in r.url and statuses.append(r.status))
    coach.page.goto(org_url(live_server, "recordings/"))
    with coach.page.expect_navigation():
        coach.page.locator("table.data tbody tr a").first.click()
    coach.page.click('[data-action="play"]')
    wait_audio(coach.page, "a.currentTime > 0")
    assert coach.page.evaluate(f"() => document.querySelector('{AUDIO}').src").endswith(
        "?purpose=coaching"
    )
    assert statuses and set(statuses) <= {200, 206}, statuses

    # 11. 31 days later the nightly purge (the task beat runs for each organisation) erases it.
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=True):
        result = purge_organisation_task(SLUG)
        assert result["purged"] == 1
        recording.refresh_from_db()
        assert recording.purged_at is not None

        sign_in(page, live_server, "beheer")  # the session of a month ago has expired
        page.goto(org_url(live_server, "retention/"))
        run = page.locator("table[data-runs] tbody tr").first.locator("td")
        assert run.nth(1).inner_text() == "Finished"
        assert run.nth(2).inner_text() == "1"  # calls erased
        page.goto(org_url(live_server))
        checklist = page.locator("[data-setup-checklist]")
        assert checklist.locator("h2").inner_text() == "Setup complete", checklist.inner_text()
        assert checklist.locator('li[data-done="no"]').count() == 0

    for person in (ict, admin, second, coach):
        assert person.problems == []
