"""A call may carry the customer's number where the register declares it; ingest stores its
digest, and a data subject request finds the call by it, however it is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from access.tests.conftest import register_for
from recordings.constants import IngestChannel
from recordings.identifiers import identifier_digest
from recordings.services import IngestRejected, recording_ingest
from recordings.tests.factories import recording_create, wav_bytes
from subjects.search import find_subject_data
from subjects.tests.conftest import register_request


def _ingest(organisation, tmp_path, **extra):
    source = tmp_path / "call.wav"
    source.write_bytes(wav_bytes(seconds=1, seed=7))
    metadata = {
        "call_id": "pbx-1",
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "direction": "inbound",
        **extra,
    }
    return recording_ingest(
        organisation=organisation, source=source, metadata=metadata, channel=IngestChannel.API
    )


def test_ingest_refuses_a_customer_number_the_register_does_not_declare(cast, tmp_path):
    register_for(cast.organisation, customer_fields=("phone",))
    with translation.override("en"), pytest.raises(IngestRejected) as refused:
        _ingest(cast.organisation, tmp_path, customer_number="KL-0042")
    assert "does not declare" in refused.value.message


def test_ingest_stores_a_declared_customer_number_with_its_digest(cast, tmp_path):
    register_for(cast.organisation, customer_fields=("phone", "customer_number"))
    recording = _ingest(cast.organisation, tmp_path, customer_number="  KL-0042 ")
    recording.refresh_from_db()
    assert recording.customer_number == "KL-0042"
    assert recording.customer_number_digest == identifier_digest("customer_number", "kl-0042")


def test_the_search_finds_calls_by_customer_number_and_flags_another_persons(registers):
    cast = registers
    own = recording_create(organisation=cast.organisation, customer_number="KL-0042")
    shared = recording_create(
        organisation=cast.organisation, customer_number="kl-0042", customer_name="Marie Jansen"
    )
    recording_create(organisation=cast.organisation, customer_number="KL-0043")
    recording_create(organisation=cast.other_organisation, customer_number="KL-0042")
    findings = find_subject_data(
        register_request(cast, customer_number="kl 0042".replace(" ", "-"), name="Jan de Vries")
    )
    assert list(findings.recordings) == [own]
    assert [note.recordings for note in findings.ambiguous] == [[shared]]


def test_the_openapi_schema_documents_the_customer_number(client):
    import json

    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    props = json.loads(response.content)["components"]["schemas"]["RecordingMetadata"]["properties"]
    assert props["customer_number"]["maxLength"] == 100
