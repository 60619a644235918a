"""A call the policy plays only with its employee present (TBI's sample): the player refuses
with the reason until the listener confirms, on the page, that the named employee is with
them; then it plays and the listen is recorded as heard with the employee."""

from __future__ import annotations

import pytest

from access.models import PurposeRule, StandingRight
from access.tests.conftest import register_for
from audit.models import AuditEvent
from organisations.tests.factories import EmployeeFactory
from recordings.tests.factories import recording_create, wav_bytes
from tests.browser.conftest import sign_in
from tests.browser.test_player import detail_url, english_page, wait_audio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def call(cast):
    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope="organisation",
    )
    PurposeRule.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        employee_present=True,
    )
    employee = EmployeeFactory(organisation=cast.organisation, name="Gert Mulder")
    recording = recording_create(
        organisation=cast.organisation,
        employee=employee,
        audio=wav_bytes(seconds=4),
        duration_seconds=4.0,
    )
    type(recording).objects.filter(pk=recording.pk).update(audio_duration_seconds=4.0)
    recording.refresh_from_db()
    return recording


def test_the_listener_confirms_the_employee_present_before_the_call_plays(
    browser, live_server, cast, call
):
    context, page, problems = english_page(browser)
    try:
        sign_in(page, live_server, "acme-coach")
        page.goto(detail_url(live_server, call))
        presence = page.locator("[data-employee-presence]")
        assert "Gert Mulder, who handled this call, is here with me" in presence.inner_text()
        # Play before confirming: the gate refuses and the player says why.
        page.click('[data-action="play"]')
        error = page.locator("[data-error]")
        error.wait_for(state="visible", timeout=10_000)
        assert "employee present" in error.inner_text()
        assert not AuditEvent.objects.filter(action="access.recording.listened").exists()

        presence.locator("input[name=employee_present]").check()
        presence.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "Gert Mulder listens along" in page.locator("[data-presence-confirmed]").inner_text()
        page.click('[data-action="play"]')
        wait_audio(page, "a.currentTime > 0 && !a.paused")
        listen = AuditEvent.objects.get(action="access.recording.listened")
        assert listen.detail == {"employee_present": True, "employee": call.employee_id}
        assert problems == []
    finally:
        context.close()
