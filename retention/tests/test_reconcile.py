"""Each purge puts calls back under the hold and key that apply to them (security review of
issue 19, finding 6, and what the hold races of finding 3 could leave): a held call left under
its day key when the key store failed at the hold's approval goes under the hold's key, so its
day key can die; an ACTIVE call left under a released hold's key goes back under its day key;
a call an active hold names is HELD again before the purge could erase it."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from recordings import audio_keys
from recordings.constants import AudioKeyKind, RecordingStatus
from recordings.models import Recording
from retention.constants import HoldStatus, RunStatus
from retention.models import LegalHold
from retention.purge import purge_organisation
from retention.rewrap import live_hold_key, reconcile_keys
from retention.tests.test_rewrap import (
    _key,
    _key_store_down,
    _place,
    _readable,
    _release,
    _sealed_call,
    day_keys_down,
)

pytestmark = pytest.mark.django_db


def _reconciled():
    return AuditEvent.objects.filter(action="retention.keys.reconciled")


def test_a_purge_moves_calls_the_key_store_failure_left_under_the_wrong_key(cast, monkeypatch):
    org = cast.organisation
    # Past its deadline (its day has ended), held: its day key must die, the hold keeps it.
    held, held_plain = _sealed_call(org, age_days=29.5, seed=3)
    day_key = _key(held)
    with monkeypatch.context() as patch:
        patch.setattr(audio_keys, "hold_key", _key_store_down)
        hold = _place(cast, [held])
    assert Recording.objects.get(pk=held.pk).status == RecordingStatus.HELD
    assert _key(held) == day_key  # the failure state
    # Released while the key store failed: ACTIVE under the released hold's key.
    freed, freed_plain = _sealed_call(org, age_days=10, seed=4)
    other = _place(cast, [freed])
    other_key = live_hold_key(org, other.pk)
    with monkeypatch.context() as patch:
        day_keys_down(patch)
        _release(cast, other)
    assert _key(freed) == other_key  # the failure state

    run = purge_organisation(org)

    assert run.status == RunStatus.FINISHED
    held_now = Recording.objects.get(pk=held.pk)
    assert held_now.status == RecordingStatus.HELD
    assert _key(held) == live_hold_key(org, hold.pk)
    assert _readable(held, held_plain)
    day_key.refresh_from_db()
    assert day_key.destroyed_at is not None  # the same run destroyed the day key
    assert not audio_keys.key_store().exists(audio_keys.key_name(day_key))
    freed_key = _key(freed)
    freed_now = Recording.objects.get(pk=freed.pk)
    assert freed_now.status == RecordingStatus.ACTIVE
    assert freed_key.kind == AudioKeyKind.DAY
    assert freed_key.day == freed_now.purge_deadline.astimezone(UTC).date()
    assert _readable(freed, freed_plain)
    other_key.refresh_from_db()
    assert other_key.destroyed_at is not None
    event = _reconciled().get()
    assert event.detail == {"held": 0, "released": 0, "rewrapped": 2, "failed": 0}
    # Nothing is off any more: the next run changes nothing and says nothing.
    purge_organisation(org)
    assert _reconciled().count() == 1


def test_a_call_an_active_hold_names_is_held_again_before_the_purge_erases_it(cast):
    org = cast.organisation
    call, plain = _sealed_call(org, age_days=29.5, seed=5)  # due
    hold = _place(cast, [call])
    # What a release racing this hold's approval left (before the decisions locked calls).
    Recording.objects.filter(pk=call.pk).update(status=RecordingStatus.ACTIVE)

    run = purge_organisation(org)

    assert run.purged == 0
    assert Recording.objects.get(pk=call.pk).status == RecordingStatus.HELD
    assert _key(call) == live_hold_key(org, hold.pk)
    assert _readable(call, plain)
    assert _reconciled().get().detail["held"] == 1


def test_a_call_held_only_by_released_holds_is_let_go(cast):
    org = cast.organisation
    young, young_plain = _sealed_call(org, age_days=10, seed=6)
    due, _due_plain = _sealed_call(org, age_days=29.5, seed=7)
    hold = _place(cast, [young, due])
    hold_key = live_hold_key(org, hold.pk)
    # What two releases racing each other left: the hold released, its calls still HELD.
    LegalHold.objects.filter(pk=hold.pk).update(status=HoldStatus.RELEASED)
    # A call HELD that no hold names at all is left alone: nothing says why it is held.
    unexplained, _ = _sealed_call(org, age_days=29.5, seed=8)
    Recording.objects.filter(pk=unexplained.pk).update(status=RecordingStatus.HELD)

    run = purge_organisation(org)

    assert run.purged == 1
    assert Recording.objects.get(pk=due.pk).status == RecordingStatus.PURGED
    young_now = Recording.objects.get(pk=young.pk)
    assert young_now.status == RecordingStatus.ACTIVE
    assert _key(young).kind == AudioKeyKind.DAY
    assert _readable(young, young_plain)
    hold_key.refresh_from_db()
    assert hold_key.destroyed_at is not None
    assert Recording.objects.get(pk=unexplained.pk).status == RecordingStatus.HELD
    assert _reconciled().get().detail == {"held": 0, "released": 2, "rewrapped": 1, "failed": 0}


def test_reconciliation_costs_a_few_queries_when_nothing_is_off(cast):
    org = cast.organisation
    calls = [_sealed_call(org, age_days=age, seed=age)[0] for age in (5, 10, 29)]
    _place(cast, calls[:2])
    with CaptureQueriesContext(connection) as queries:
        done = reconcile_keys(org)
    assert int(done) == 0
    assert len(queries) <= 5, [q["sql"] for q in queries]
    assert not _reconciled().exists()


def test_a_key_store_that_fails_leaves_the_calls_for_the_next_run(cast, monkeypatch):
    org = cast.organisation
    call, plain = _sealed_call(org, age_days=10, seed=9)
    with monkeypatch.context() as patch:
        patch.setattr(audio_keys, "hold_key", _key_store_down)
        _place(cast, [call])
        day_key = _key(call)
        run = purge_organisation(org)
    assert run.status == RunStatus.FINISHED
    assert _key(call) == day_key
    assert _readable(call, plain)
    assert _reconciled().get().detail == {"held": 0, "released": 0, "rewrapped": 0, "failed": 1}
    purge_organisation(org)  # the key store is back
    assert _key(call).kind == AudioKeyKind.HOLD
    assert _readable(call, plain)
