"""Many events at once (the purge's batches): the same chain as one event at a time."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import audit
from audit.hashing import batch_hasher, event_hash
from audit.models import AuditEvent
from audit.services import AuditDetailError, chain_key_for
from audit.verification import chain_verify
from organisations.models import Organisation
from organisations.tests.factories import OrganisationFactory, UserFactory

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@given(
    sequence=st.integers(min_value=1, max_value=10**12),
    target_id=st.text(max_size=40),
    detail=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    previous=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    created_at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    offset_minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
    actor_label=st.text(max_size=20),
    purpose=st.text(max_size=20),
)
def test_the_batch_hasher_hashes_exactly_as_one_event_at_a_time(
    sequence, target_id, detail, previous, created_at, offset_minutes, actor_label, purpose
):
    """Its bytes are event_payload's: otherwise every batch would break the chain's proof."""
    shared = {
        "chain": "organisation:7",
        "created_at": created_at.replace(tzinfo=timezone(timedelta(minutes=offset_minutes))),
        "organisation_id": 7,
        "actor_id": 3 if actor_label else None,
        "actor_label": actor_label,
        "action": "retention.recording.purged",
        "target_type": "recordings.recording",
        "purpose": purpose,
        "ip_address": None,
    }
    expected = event_hash(sequence=sequence, target_id=target_id, detail=detail,
                          previous_hash=previous, **shared)  # fmt: skip
    assert batch_hasher(**shared)(sequence, target_id, detail, previous) == expected


@pytest.mark.django_db
def test_events_written_many_at_once_verify_and_name_their_targets():
    organisation, others = OrganisationFactory(), OrganisationFactory.create_batch(3)
    actor = UserFactory()
    audit.record(actor=None, action="auth.signin.succeeded", organisation=organisation)
    written = audit.record_many(
        actor=actor,
        action="retention.recording.purged",
        organisation=organisation,
        target_model=Organisation,
        entries=[
            (other.pk, {"n": i, "at": "2026-11-30T02:00:00+01:00"})
            for i, other in enumerate(others)
        ],
    )
    by_instance = audit.record_many(
        actor=None,
        action="retention.recording.purged",
        organisation=organisation,
        entries=[(others[0], {"n": 9})],
    )

    assert (written, by_instance) == (3, 1)
    events = list(AuditEvent.objects.filter(organisation=organisation).order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert [e.target_id for e in events[1:]] == [str(o.pk) for o in [*others, others[0]]]
    assert {e.target_type for e in events[1:]} == {"organisations.organisation"}
    assert [e.actor_label for e in events[1:4]] == [actor.get_username()] * 3
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert events[1].created_at.tzinfo is not None and events[1].created_at <= datetime.now(UTC)
    assert chain_verify(key=chain_key_for(organisation)).ok


@pytest.mark.django_db
def test_one_detail_with_a_phone_number_refuses_the_whole_batch():
    organisation = OrganisationFactory()
    with pytest.raises(AuditDetailError, match="long number"):
        audit.record_many(
            actor=None,
            action="retention.recording.purged",
            organisation=organisation,
            target_model=Organisation,
            entries=[
                (organisation.pk, {"deadline": "2026-11-30T02:00:00+01:00"}),
                (organisation.pk, {"reason": "caller 06 1234 5678 asked"}),
            ],
        )
    assert not AuditEvent.objects.filter(organisation=organisation).exists()
