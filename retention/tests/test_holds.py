"""Legal holds: four eyes to place and to release; held calls are skipped by the purge and
still playable past their deadline; released ones go at the next run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from access.four_eyes import RequestError
from audit.models import AuditEvent
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import recording_create
from retention.holds import (
    hold_decide,
    hold_release_decide,
    hold_release_request,
    hold_request,
    holds_past_review,
)
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db

MOTIVATION = "Politie vraagt de opname te bewaren voor het onderzoek naar de bedreiging."


def _member(cast, role, organisation=None):
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=organisation or cast.organisation
    )


def _expired_call(cast):
    recording = recording_create(organisation=cast.organisation)
    Recording.objects.filter(pk=recording.pk).update(
        purge_deadline=timezone.now() - timedelta(hours=1)
    )
    return Recording.objects.get(pk=recording.pk)


def _hold(cast, recording, role="manager"):
    return hold_request(
        membership=_member(cast, role),
        recordings=[recording],
        motivation=MOTIVATION,
        review_on=timezone.localdate() + timedelta(days=30),
    )


def test_a_hold_takes_effect_only_when_a_second_person_approves(cast):
    recording = _expired_call(cast)
    hold = _hold(cast, recording)
    with translation.override("en"), pytest.raises(RequestError, match="second person"):
        hold_decide(membership=_member(cast, "manager"), hold_id=hold.pk, approve=True)
    for role in ("coach", "team_leader", "administrator", "auditor"):
        with pytest.raises(RequestError):
            hold_decide(membership=_member(cast, role), hold_id=hold.pk, approve=True)
    # Pending: not yet held, so the purge still erases it.
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.ACTIVE
    hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.HELD
    with pytest.raises(RequestError):  # a second click changes nothing
        hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)


def test_held_calls_are_skipped_and_listed_then_erased_after_release(cast):
    recording = _expired_call(cast)
    hold = _hold(cast, recording)
    hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    run = purge_organisation(cast.organisation)
    assert (run.purged, run.held, run.overdue) == (0, 1, 0)
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.HELD
    # Releasing takes two people as well.
    hold_release_request(membership=_member(cast, "manager"), hold_id=hold.pk, reason="Zaak af")
    with pytest.raises(RequestError):
        hold_release_decide(membership=_member(cast, "manager"), hold_id=hold.pk, approve=True)
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.HELD
    hold_release_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.ACTIVE
    assert purge_organisation(cast.organisation).purged == 1
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.PURGED
    actions = list(
        AuditEvent.objects.filter(action__startswith="retention.hold.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "retention.hold.requested",
        "retention.hold.approved",
        "retention.hold.release_requested",
        "retention.hold.released",
    ]


def test_a_call_under_two_holds_stays_held_until_both_are_released(cast):
    recording = _expired_call(cast)
    first, second = _hold(cast, recording), _hold(cast, recording, role="manager")
    for hold in (first, second):
        hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    hold_release_request(membership=_member(cast, "manager"), hold_id=first.pk, reason="Klaar")
    hold_release_decide(membership=_member(cast, "privacy_officer"), hold_id=first.pk, approve=True)
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.HELD


def test_a_held_call_stays_playable_past_its_deadline(cast, client_for):
    from access.models import StandingRight
    from access.tests.conftest import register_for

    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope="organisation",
    )
    recording = _expired_call(cast)
    url = reverse(
        "access:recording_audio", kwargs={"org_slug": "acme", "recording_id": recording.pk}
    )
    coach = client_for(cast["coach"])
    assert coach.get(f"{url}?purpose=coaching").status_code == 410
    hold = _hold(cast, recording)
    hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    assert client_for(cast["coach"]).get(f"{url}?purpose=coaching").status_code == 200


def test_a_hold_needs_a_motivation_a_future_review_date_and_calls_of_the_organisation(cast):
    recording = _expired_call(cast)
    member = _member(cast, "manager")
    for kwargs in (
        {"motivation": "bewaren"},
        {"review_on": timezone.localdate()},
        {"recordings": [recording_create(organisation=cast.other_organisation)]},
        {"recordings": []},
    ):
        fields = {
            "membership": member,
            "recordings": [recording],
            "motivation": MOTIVATION,
            "review_on": timezone.localdate() + timedelta(days=5),
            **kwargs,
        }
        with pytest.raises(RequestError):
            hold_request(**fields)
    with pytest.raises(RequestError):  # the privacy officer approves, but does not place
        _hold(cast, recording, role="privacy_officer")


def test_holds_past_their_review_date_are_flagged(cast, client_for):
    recording = _expired_call(cast)
    hold = _hold(cast, recording)
    hold_decide(membership=_member(cast, "privacy_officer"), hold_id=hold.pk, approve=True)
    type(hold).objects.filter(pk=hold.pk).update(review_on=timezone.localdate() - timedelta(days=1))
    assert list(holds_past_review(cast.organisation)) == [hold]
    with translation.override("en"):
        page = client_for(cast["privacy_officer"]).get(
            reverse("retention:overview", kwargs={"org_slug": "acme"}),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert page.status_code == 200
    assert page.content.count(b"data-past-review") == 1


def test_the_hold_pages_carry_out_the_four_eyes_steps(cast, client_for):
    recording = _expired_call(cast)
    manager = client_for(cast["manager"])
    response = manager.post(
        reverse("retention:hold_new", kwargs={"org_slug": "acme"}),
        {
            "recording": str(recording.pk),
            "motivation": MOTIVATION,
            "review_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    hold_url = response["Location"]
    action = hold_url + "action"
    manager.post(action, {"action": "approve"})
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.ACTIVE
    client_for(cast["privacy_officer"]).post(action, {"action": "approve"})
    assert Recording.objects.get(pk=recording.pk).status == RecordingStatus.HELD
    assert (
        client_for(cast["privacy_officer"]).post(action, {"action": "nonsense"}).status_code == 404
    )
