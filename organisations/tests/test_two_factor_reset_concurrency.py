"""Two approvers click at the same moment, on the real database: one decision, one audit
event, the other refused (the reset's row lock)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from organisations.constants import Role
from organisations.models import TwoFactorReset
from organisations.tests.factories import UserFactory, membership
from organisations.twofactor_resets import (
    TwoFactorResetError,
    two_factor_reset_decide,
    two_factor_reset_request,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("second", ["approve", "deny"])
def test_two_simultaneous_decisions_make_one(cast, second):
    organisation = cast.organisation
    second_admin = UserFactory(username="acme-administrator-2")
    membership(second_admin, organisation, Role.ADMINISTRATOR)
    TOTPDevice.objects.create(user=cast["manager"], confirmed=True, name="phone")
    reset = two_factor_reset_request(
        organisation=organisation,
        member=organisation.memberships.get(user=cast["manager"]),
        motivation="Telefoon verloren tijdens de vakantie, identiteit gecontroleerd.",
        actor=cast["administrator"],
    )
    outcomes: list[str] = []

    def click(actor, approve):
        try:
            two_factor_reset_decide(
                organisation=organisation, reset_id=reset.pk, approve=approve, actor=actor
            )
            outcomes.append("decided")
        except TwoFactorResetError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=click, args=(cast["privacy_officer"], True)),
        threading.Thread(target=click, args=(second_admin, second == "approve")),
    ]
    # Hold the row until both clicks wait for it, so they meet at the lock.
    with transaction.atomic():
        TwoFactorReset.objects.select_for_update().get(pk=reset.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 5
        while _lock_waiters() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["decided", "refused"]
    decisions = AuditEvent.objects.filter(
        action__in=[
            "organisations.two_factor_reset.approved",
            "organisations.two_factor_reset.denied",
        ]
    )
    assert decisions.count() == 1
    reset.refresh_from_db()
    assert reset.status in ("completed", "denied")
    assert TOTPDevice.objects.filter(user=cast["manager"]).exists() == (reset.status == "denied")
