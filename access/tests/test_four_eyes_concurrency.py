"""Four eyes under concurrent clicks, on the real database: each click runs the whole view stack
in a thread of its own with its own connection, released together by a barrier. However the
clicks interleave, a request gets one grant, an approver one approval, a grant its plays."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse

from access.constants import DecisionOutcome, RequestStatus
from access.models import Grant, RequestDecision
from audit.models import AuditEvent
from audit.services import chain_key_for
from audit.verification import chain_verify
from recordings.tests.factories import recording_create, wav_bytes

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5  # fresh requests per race: one lucky interleaving proves little
LINE_UP_SECONDS = 5  # at most, per race; normally both wait within a fraction of a second


def _lock_waiters() -> int:
    """How many connections to the test database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is cached per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@contextmanager
def _row_held(instance: models.Model | None) -> Iterator[None]:
    """Hold the instance's row locked (from the main thread's connection) during the block."""
    if instance is None:
        yield
        return
    with transaction.atomic():
        type(instance).objects.select_for_update().get(pk=instance.pk)
        yield


def _race(*calls: Callable[[], Any], line_up: models.Model | None = None) -> list[Any]:
    """Run each call in a thread of its own, all released at the same moment; their results
    in order. Any exception in a thread (a 500 re-raised by the test client) fails the test.

    With line_up, the main thread holds that row locked until every call waits for a lock (or
    a few seconds pass), then lets go: the calls then reach the part that must be serialised
    together, instead of one finishing before the other's middleware has run."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # reported in the main thread, below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    with _row_held(line_up):
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + LINE_UP_SECONDS
        while line_up is not None and time.monotonic() < deadline:
            if not all(thread.is_alive() for thread in threads):
                break
            if _lock_waiters() >= len(calls):
                break
            time.sleep(0.005)
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a click hung (deadlock?)"
    if errors:
        raise errors[0]
    return results


def _decide_url(fe, request) -> str:
    return reverse(
        "requests:decide",
        kwargs={"org_slug": fe.cast.organisation.slug, "request_id": request.pk},
    )


def _audio_url(fe, recording) -> str:
    url = reverse(
        "access:recording_audio",
        kwargs={"org_slug": fe.cast.organisation.slug, "recording_id": recording.pk},
    )
    return f"{url}?purpose={fe.purpose.code}"


def _approve(client: Client, url: str) -> Callable[[], tuple[int, list[str]]]:
    """A click on "approve": the status code and the level of each message it left (the clients
    are fresh each round, so no message of an earlier click is among them)."""

    def click() -> tuple[int, list[str]]:
        response = client.post(url, {"outcome": DecisionOutcome.APPROVE})
        return response.status_code, [m.level_tag for m in get_messages(response.wsgi_request)]

    return click


def _play(client: Client, url: str) -> Callable[[], int]:
    """The start of a playback; the body is read in the thread, as a player would."""

    def start() -> int:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        return response.status_code

    return start


def _same_browser(client: Client) -> Client:
    """A second handle on the same signed-in session: the two clicks of a double-click."""
    twin = Client()
    twin.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return twin


def _events(action: str, target) -> int:
    return AuditEvent.objects.filter(action=action, target_id=str(target.pk)).count()


def _assert_chain_intact(fe) -> None:
    report = chain_verify(key=chain_key_for(fe.cast.organisation))
    assert report.ok, report.describe()


def _assert_approved_once(request) -> None:
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.closed_at is not None
    grant = Grant.objects.get(request=request)  # exactly one, or this raises
    assert _events("access.request.approved", request) == 1
    assert _events("access.grant.created", grant) == 1


# --- approving ---------------------------------------------------------------------------------


def test_two_approvers_at_the_same_moment_give_one_decision_and_one_grant(four_eyes, client_for):
    for _ in range(ROUNDS):
        privacy_officer = client_for(four_eyes.cast["privacy_officer"])
        team_leader = client_for(four_eyes.cast["team_leader"])
        request = four_eyes.ask()
        url = _decide_url(four_eyes, request)
        answers = _race(_approve(privacy_officer, url), _approve(team_leader, url), line_up=request)
        assert [status for status, _levels in answers] == [302, 302]
        # One click was recorded; the other was told the request was no longer waiting.
        assert sorted(level for _status, levels in answers for level in levels) == [
            "error",
            "success",
        ]
        decision = RequestDecision.objects.get(request=request)
        assert decision.outcome == DecisionOutcome.APPROVE
        assert decision.approver_id in {
            four_eyes.cast["privacy_officer"].pk,
            four_eyes.cast["team_leader"].pk,
        }
        _assert_approved_once(request)
    assert Grant.objects.count() == ROUNDS
    _assert_chain_intact(four_eyes)


def test_a_double_click_by_one_approver_gives_one_decision(four_eyes, client_for):
    for _ in range(ROUNDS):
        first_click = client_for(four_eyes.cast["privacy_officer"])
        second_click = _same_browser(first_click)
        request = four_eyes.ask()
        url = _decide_url(four_eyes, request)
        answers = _race(_approve(first_click, url), _approve(second_click, url), line_up=request)
        assert [status for status, _levels in answers] == [302, 302]
        assert sorted(level for _status, levels in answers for level in levels) == [
            "error",  # "This request is no longer waiting for a decision."
            "success",
        ]
        assert RequestDecision.objects.filter(request=request).count() == 1
        _assert_approved_once(request)
    _assert_chain_intact(four_eyes)


def test_with_two_approvals_needed_one_person_clicking_twice_never_approves(four_eyes, client_for):
    four_eyes.rule.approvals_required = 2
    four_eyes.rule.save()
    team_leader = client_for(four_eyes.cast["team_leader"])
    requests = []
    for _ in range(ROUNDS):
        first_click = client_for(four_eyes.cast["privacy_officer"])
        second_click = _same_browser(first_click)
        request = four_eyes.ask()
        requests.append(request)
        assert request.approvals_required == 2
        url = _decide_url(four_eyes, request)
        answers = _race(_approve(first_click, url), _approve(second_click, url), line_up=request)
        assert [status for status, _levels in answers] == [302, 302]
        assert sorted(level for _status, levels in answers for level in levels) == [
            "error",  # "You have already approved this request."
            "success",
        ]
        request.refresh_from_db()
        assert request.status == RequestStatus.PENDING
        assert list(request.decisions.values_list("approver", "outcome")) == [
            (four_eyes.cast["privacy_officer"].pk, DecisionOutcome.APPROVE)
        ]
        assert not Grant.objects.filter(request=request).exists()
        assert _events("access.request.approved", request) == 1
        assert not AuditEvent.objects.filter(action="access.grant.created").exists()
    # A second person's approval completes each request, with one grant each.
    for request in requests:
        status, _levels = _approve(team_leader, _decide_url(four_eyes, request))()
        assert status == 302
        request.refresh_from_db()
        assert request.status == RequestStatus.APPROVED
        assert request.decisions.count() == 2
        grant = Grant.objects.get(request=request)
        assert _events("access.request.approved", request) == 2
        assert _events("access.grant.created", grant) == 1
    _assert_chain_intact(four_eyes)


def test_with_two_approvals_needed_two_people_at_the_same_moment_approve_it(four_eyes, client_for):
    """Each approval must see the other: counted under the lock, neither is lost."""
    four_eyes.rule.approvals_required = 2
    four_eyes.rule.save()
    for _ in range(ROUNDS):
        privacy_officer = client_for(four_eyes.cast["privacy_officer"])
        team_leader = client_for(four_eyes.cast["team_leader"])
        request = four_eyes.ask()
        url = _decide_url(four_eyes, request)
        answers = _race(_approve(privacy_officer, url), _approve(team_leader, url), line_up=request)
        assert answers == [(302, ["success"]), (302, ["success"])]
        assert request.decisions.filter(outcome=DecisionOutcome.APPROVE).count() == 2
        approvals_seen = sorted(
            AuditEvent.objects.filter(
                action="access.request.approved", target_id=str(request.pk)
            ).values_list("detail__approvals", flat=True)
        )
        assert approvals_seen == [1, 2]
        request.refresh_from_db()
        assert request.status == RequestStatus.APPROVED
        grant = Grant.objects.get(request=request)
        assert _events("access.grant.created", grant) == 1
    _assert_chain_intact(four_eyes)


# --- playing -----------------------------------------------------------------------------------


def test_the_last_play_of_a_grant_goes_to_one_of_two_sessions_starting_together(
    four_eyes, client_for
):
    four_eyes.rule.max_plays = 1
    four_eyes.rule.save()
    manager = four_eyes.cast["manager"]
    for round_ in range(ROUNDS):
        # A call of its own per round, so no grant of an earlier round can play it.
        call = recording_create(
            organisation=four_eyes.cast.organisation,
            employee=four_eyes.call.employee,
            audio=wav_bytes(seconds=1, seed=100 + round_),
        )
        request = four_eyes.ask(recordings=[call])
        four_eyes.decide("privacy_officer", request)
        grant = Grant.objects.get(request=request)
        assert (grant.max_plays, grant.plays) == (1, 0)
        url = _audio_url(four_eyes, call)
        statuses = _race(
            _play(client_for(manager), url), _play(client_for(manager), url), line_up=grant
        )
        assert sorted(statuses) == [200, 403]
        grant.refresh_from_db()
        assert grant.plays == 1
        assert _events("access.recording.listened", call) == 1
        assert _events("access.recording.refused", call) == 1
    _assert_chain_intact(four_eyes)
