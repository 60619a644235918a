"""Teams, employees and members in the browser: the administrator creates a team with its coach,
imports a contact centre's employees from Dutch Excel's CSV (Windows-1252, semicolons), sees a
row's error and imports nothing until it is fixed, deactivates a leaver, and asks to make a
member a coach, which the privacy officer approves in a browser of her own."""

from __future__ import annotations

import pytest

from access.constants import Scope
from access.models import StandingRight
from access.tests.conftest import register_for
from organisations.models import Employee, Membership
from tests.browser import test_four_eyes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

open_browser_for = test_four_eyes.open_browser_for


def test_administrator_builds_teams_and_employees_and_a_coach_role_needs_four_eyes(
    cast, open_browser_for, live_server, tmp_path
):
    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope=Scope.COACHED_TEAMS,
    )
    admin = open_browser_for("acme-administrator")
    page = admin.page
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Teams").click()
    page.wait_for_load_state()
    page.fill("input[name=name]", "Team Noord")
    page.get_by_label("acme-coach").check()
    page.get_by_role("button", name="Create team").click()
    page.wait_for_load_state()
    assert "Team Team Noord is created." in page.locator(".messages").inner_text()
    assert "acme-coach" in page.locator("table.data", has_text="Team Noord").inner_text()

    nav.get_by_role("link", name="Employees").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Import employees from a CSV file").click()
    page.wait_for_load_state()
    bad = tmp_path / "medewerkers.csv"
    rows = "naam;agent_id;team\r\nËsther Çelik;4001;Team Noord\r\nJan Smit;4002;Team West\r\n"
    bad.write_bytes(rows.encode("cp1252"))
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    preview = page.locator("table.data").inner_text()
    assert "Ësther Çelik" in preview
    assert "There is no team named Team West" in preview
    assert page.get_by_role("button", name="Import these employees").count() == 0
    assert not Employee.objects.exists()

    good = tmp_path / "medewerkers-goed.csv"
    good.write_bytes(rows.replace("Team West", "Team Noord").encode("cp1252"))
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert "2 employees will be imported." in page.locator("main").inner_text()
    page.get_by_role("button", name="Import these employees").click()
    page.wait_for_load_state()
    assert "2 employees are imported." in page.locator(".messages").inner_text()
    row = page.locator("table.data tbody tr", has_text="Jan Smit")
    assert "4002" in row.inner_text() and "Team Noord" in row.inner_text()

    row.get_by_role("button", name="Deactivate").click()
    page.wait_for_load_state()
    assert "Jan Smit is deactivated" in page.locator(".messages").inner_text()
    assert "Jan Smit" not in page.locator("table.data").inner_text()
    assert Employee.objects.get(pbx_agent_id="4002").active is False

    nav.get_by_role("link", name="Members").click()
    page.wait_for_load_state()
    auditor_row = page.locator("table.data tbody tr", has_text="acme-auditor")
    auditor_row.locator("select[name=role]").select_option("coach")
    auditor_row.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "waits until another administrator" in page.locator(".messages").inner_text()
    assert (
        "waits for approval"
        in page.locator("table.data tbody tr", has_text="acme-auditor").inner_text()
    )
    membership = Membership.objects.get(user=cast["auditor"], organisation=cast.organisation)
    assert membership.role == "auditor"

    officer = open_browser_for("acme-privacy_officer")
    officer.page.goto(f"{live_server.url}/o/acme/members/role-changes/")
    pending = officer.page.locator("table.data tbody tr", has_text="acme-auditor")
    pending.get_by_role("button", name="Approve").click()
    officer.page.wait_for_load_state()
    assert "The role change is approved." in officer.page.locator(".messages").inner_text()
    membership.refresh_from_db()
    assert membership.role == "coach"
    assert admin.problems == [] and officer.problems == []
