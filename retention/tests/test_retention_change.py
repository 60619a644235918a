"""One source of truth: a changed declared retention applies to new calls at once, and to
existing calls only by a confirmed action of two people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.four_eyes import RequestError
from access.tests.conftest import register_for
from audit.models import AuditEvent
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.tests.factories import recording_create
from register.models import DataSubjectEntry
from retention.changes import calls_on_earlier_period, change_decide, change_propose
from retention.constants import ChangeStatus
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db


def _member(cast, role):
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=cast.organisation
    )


@pytest.fixture
def shortened(cast):
    """Calls stamped under 28 days; then the register shortens the period to 10 days."""
    register_for(cast.organisation, retention_days=28)
    calls = [
        recording_create(
            organisation=cast.organisation,
            started_at=timezone.now() - timedelta(days=age),
            retention_days=28,
        )
        for age in (2, 15)
    ]
    DataSubjectEntry.objects.filter(activity__organisation=cast.organisation).update(
        retention_value=10
    )
    return calls


def test_existing_calls_keep_their_deadline_until_the_change_is_applied(cast, shortened):
    young, old = shortened
    assert set(calls_on_earlier_period(cast.organisation)) == {young, old}
    assert purge_organisation(cast.organisation).purged == 0
    change = change_propose(membership=_member(cast, "privacy_officer"))
    assert change.affected == 2
    with pytest.raises(RequestError):  # not by the person who proposed it
        change_decide(
            membership=_member(cast, "privacy_officer"), change_id=change.pk, approve=True
        )
    with pytest.raises(RequestError):  # not by a role without the right
        change_decide(membership=_member(cast, "manager"), change_id=change.pk, approve=True)
    change_decide(membership=_member(cast, "administrator"), change_id=change.pk, approve=True)
    young.refresh_from_db()
    old.refresh_from_db()
    assert (young.retention_days, old.retention_days) == (10, 10)
    assert young.purge_deadline == young.started_at + timedelta(days=10)
    assert not calls_on_earlier_period(cast.organisation).exists()
    # The 15-day-old call is now past its 10 days: the next run erases it, the young one stays.
    assert purge_organisation(cast.organisation).purged == 1
    assert Recording.objects.get(pk=old.pk).status == RecordingStatus.PURGED
    assert Recording.objects.get(pk=young.pk).status == RecordingStatus.ACTIVE
    assert AuditEvent.objects.filter(action="retention.change.applied").count() == 1


def test_a_proposal_overtaken_by_another_register_change_is_refused(cast, shortened):
    change = change_propose(membership=_member(cast, "privacy_officer"))
    DataSubjectEntry.objects.filter(activity__organisation=cast.organisation).update(
        retention_value=20
    )
    with pytest.raises(RequestError):
        change_decide(membership=_member(cast, "administrator"), change_id=change.pk, approve=True)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    assert Recording.objects.filter(retention_days=28).count() == 2


def test_the_retention_page_shows_calls_on_an_earlier_period_and_runs(cast, shortened, client_for):
    purge_organisation(cast.organisation)
    page = client_for(cast["privacy_officer"]).get(
        reverse("retention:overview", kwargs={"org_slug": "acme"})
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-earlier class="refusal">2<' in html
    assert "data-runs" in html and 'name="action" value="propose"' in html
    for role in ("coach", "employee", "team_leader"):
        assert (
            client_for(cast[role])
            .get(reverse("retention:overview", kwargs={"org_slug": "acme"}))
            .status_code
            == 403
        )


def test_a_retention_edited_on_the_register_page_reaches_new_calls_then_existing_ones(
    cast, client_for, tmp_path
):
    """The whole path a privacy officer takes: edit the register, ingest, apply with a second
    person. The register is the only place the period is set."""
    from recordings.constants import IngestChannel
    from recordings.services import recording_ingest
    from recordings.tests.factories import wav_bytes
    from register.models import ProcessingActivity
    from register.tests.helpers import edit_form_data, edit_url

    register_for(cast.organisation, retention_days=28)
    activity = ProcessingActivity.objects.get(organisation=cast.organisation)
    existing = recording_create(organisation=cast.organisation, retention_days=28)
    data = edit_form_data(activity)
    data["entries-0-retention_value"] = "14"
    response = client_for(cast["privacy_officer"]).post(edit_url(activity), data)
    assert response.status_code == 302
    source = tmp_path / "call.wav"
    source.write_bytes(wav_bytes(seconds=1, seed=99))
    started = timezone.now() - timedelta(minutes=5)
    new = recording_ingest(
        organisation=cast.organisation,
        source=source,
        metadata={
            "call_id": "after-edit",
            "direction": "inbound",
            "started_at": started.isoformat(),
        },
        channel=IngestChannel.UPLOAD,
    )
    assert new.retention_days == 14
    assert new.purge_deadline == new.started_at + timedelta(days=14)
    existing.refresh_from_db()
    assert existing.retention_days == 28  # until the confirmed action applies it
    change = change_propose(membership=_member(cast, "privacy_officer"))
    change_decide(membership=_member(cast, "administrator"), change_id=change.pk, approve=True)
    existing.refresh_from_db()
    assert existing.retention_days == 14
    assert existing.purge_deadline == existing.started_at + timedelta(days=14)


def test_calls_on_an_earlier_period_are_live_or_held_calls_stamped_shorter_or_longer(cast):
    """Counted by ranges of the index, per status: a held call on another period counts, as do
    periods both shorter and longer; calls on the declared period, being ingested, or erased
    do not."""
    register_for(cast.organisation, retention_days=28)

    def call(days, status=RecordingStatus.ACTIVE):
        recording = recording_create(organisation=cast.organisation, retention_days=days)
        Recording.objects.filter(pk=recording.pk).update(status=status)
        return recording

    shorter, longer = call(10), call(62)
    held = call(62, RecordingStatus.HELD)
    call(28), call(28, RecordingStatus.HELD), call(10, RecordingStatus.INCOMING)
    call(10, RecordingStatus.PURGED)

    assert set(calls_on_earlier_period(cast.organisation)) == {shorter, longer, held}
