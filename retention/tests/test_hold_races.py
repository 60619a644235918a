"""Hold decisions racing each other on shared calls (security review of issue 19, finding 3).

Real PostgreSQL, two threads with a connection each: the first decision is stopped inside its
transaction (its calls locked), the second starts and must wait for the calls' rows; then the
first commits. Each decision locks its hold's calls before it reads which holds suspend them,
so the second sees the first's outcome: a call an active hold names stays HELD under that
hold's key, and a call whose holds are all released ends ACTIVE under the day key of its
deadline, whichever decision comes first."""

from __future__ import annotations

import threading
import time
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from organisations.models import Membership
from recordings import audio_keys
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.models import Recording
from recordings.tests.sealing import in_thread
from retention import holds
from retention.constants import HoldStatus
from retention.models import LegalHold
from retention.rewrap import SUSPENDING, live_hold_key
from retention.tests.test_rewrap import MOTIVATION, _key, _member, _place, _readable, _sealed_call

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL"),
]


def _someone_waits_for_a_lock(timeout: float = 10.0) -> bool:
    """A backend of this test database waits for a row lock (the second decision)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def _stopping_first(monkeypatch, name: str):
    """Replace holds.<name> (a step run inside the decision's transaction, after its calls
    are locked) by one that stops the first caller until `go` is set."""
    inside, go = threading.Event(), threading.Event()
    original = getattr(holds, name)
    calls = []

    def stopping(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            inside.set()
            assert go.wait(30)
        return result

    monkeypatch.setattr(holds, name, stopping)
    return inside, go


def _officer(cast):
    pk = _member(cast, "privacy_officer").pk
    return lambda: Membership.objects.select_related("user", "organisation").get(pk=pk)


def _race(first, second, inside, go):
    """Run `first` until it stops inside its transaction, start `second`, see it wait for a
    row lock, let `first` commit, and wait for both."""
    one, one_errors, _ = in_thread(first)
    assert inside.wait(30)
    two, two_errors, _ = in_thread(second)
    waited = _someone_waits_for_a_lock()
    go.set()
    one.join(60)
    two.join(60)
    assert not one_errors and not two_errors, (one_errors, two_errors)
    return waited


@pytest.mark.parametrize("first", ["approval", "release"])
def test_a_release_racing_an_approval_leaves_the_call_held_under_the_approved_hold(
    cast, monkeypatch, first
):
    call, plain = _sealed_call(cast.organisation, age_days=10, seed=2)
    released = _place(cast, [call])
    holds.hold_release_request(
        membership=_member(cast, "manager"), hold_id=released.pk, reason="Zaak af"
    )
    approved = holds.hold_request(
        membership=_member(cast, "manager"),
        recordings=[call],
        motivation=MOTIVATION,
        review_on=timezone.localdate() + timedelta(days=30),
    )
    officer = _officer(cast)

    def approve():
        holds.hold_decide(membership=officer(), hold_id=approved.pk, approve=True)

    def release():
        holds.hold_release_decide(membership=officer(), hold_id=released.pk, approve=True)

    if first == "approval":
        inside, go = _stopping_first(monkeypatch, "rewrap_on_hold")
        waited = _race(approve, release, inside, go)
    else:
        inside, go = _stopping_first(monkeypatch, "rewrap_on_release")
        waited = _race(release, approve, inside, go)

    assert LegalHold.objects.get(pk=released.pk).status == HoldStatus.RELEASED
    assert LegalHold.objects.get(pk=approved.pk).status == HoldStatus.ACTIVE
    assert Recording.objects.get(pk=call.pk).status == RecordingStatus.HELD
    assert _key(call) == live_hold_key(cast.organisation, approved.pk)
    assert _readable(call, plain)
    # The released hold's key went once nothing used it.
    assert live_hold_key(cast.organisation, released.pk) is None
    assert waited  # the second decision did wait for the call's row


@pytest.mark.parametrize("first", ["owner", "other"])
def test_two_releases_of_holds_sharing_a_call_leave_it_active_under_its_day_key(
    cast, monkeypatch, first
):
    """`owner`: the release of the hold whose key the call is under comes first."""
    call, plain = _sealed_call(cast.organisation, age_days=10, seed=1)
    owner = _place(cast, [call])  # approved first: the call is under its key
    other = _place(cast, [call])
    assert _key(call) == live_hold_key(cast.organisation, owner.pk)
    for hold in (owner, other):
        holds.hold_release_request(
            membership=_member(cast, "manager"), hold_id=hold.pk, reason="Zaak af"
        )
    officer = _officer(cast)

    def releasing(hold):
        return lambda: holds.hold_release_decide(
            membership=officer(), hold_id=hold.pk, approve=True
        )

    inside, go = _stopping_first(monkeypatch, "rewrap_on_release")
    one, two = (owner, other) if first == "owner" else (other, owner)
    waited = _race(releasing(one), releasing(two), inside, go)

    assert set(
        LegalHold.objects.filter(pk__in=[owner.pk, other.pk]).values_list("status", flat=True)
    ) == {HoldStatus.RELEASED}
    recording = Recording.objects.get(pk=call.pk)
    assert recording.status == RecordingStatus.ACTIVE
    assert not LegalHold.objects.filter(recordings=call, status__in=SUSPENDING).exists()
    key = _key(call)
    assert key.kind == AudioKeyKind.DAY
    assert key.day == recording.purge_deadline.astimezone(UTC).date()
    assert key.destroyed_at is None
    assert _readable(call, plain)
    for hold in (owner, other):
        assert live_hold_key(cast.organisation, hold.pk) is None
    assert audio_keys.key_is_unused(key) is False
    assert waited
