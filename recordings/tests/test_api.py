"""The ingest API: a recorder pushes a call with its organisation's token."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from access.tests.conftest import register_for
from recordings.constants import IngestChannel
from recordings.models import Recording
from recordings.tests.factories import wav_bytes
from recordings.tokens import ingest_token_create, ingest_token_revoke

pytestmark = pytest.mark.django_db
URL = "/api/v1/recordings"


@pytest.fixture
def token(cast):
    register_for(cast.organisation)
    return ingest_token_create(organisation=cast.organisation, name="Asterisk", actor=None)


def push(raw_token, *, audio=None, metadata=None, call_id="api-1"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    metadata = (
        metadata
        if metadata is not None
        else json.dumps(
            {
                "call_id": call_id,
                "direction": "in",
                "started_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            }
        )
    )
    data = {
        "metadata": metadata,
        "audio": SimpleUploadedFile("call.wav", audio or wav_bytes(seed=3), "audio/wav"),
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token else {}
    return Client().post(URL, data, **headers)


def test_a_recorder_pushes_a_call(token, cast):
    _, raw = token
    response = push(raw)
    assert response.status_code == 201, response.content
    recording = Recording.objects.get(pk=response.json()["id"])
    assert recording.organisation == cast.organisation
    assert recording.ingested_via == IngestChannel.API
    assert recording.direction == "inbound"


def test_without_a_token_nothing_is_accepted(token):
    assert push(None).status_code == 401
    assert push("es_made-up").status_code == 401
    assert not Recording.objects.exists()


def test_a_revoked_token_stops_at_once(token):
    token_row, raw = token
    ingest_token_revoke(token=token_row, actor=None)
    assert push(raw).status_code == 401


def test_a_token_only_ever_ingests_into_its_own_organisation(token, cast):
    register_for(cast.other_organisation)
    _, other_raw = ingest_token_create(organisation=cast.other_organisation, name="x", actor=None)
    response = push(other_raw)
    assert Recording.objects.get(pk=response.json()["id"]).organisation == cast.other_organisation


def test_metadata_that_is_not_json_gets_a_clear_400(token):
    response = push(token[1], metadata="{call_id: 1")
    assert response.status_code == 400
    assert response.json()["code"] == "metadata"


def test_a_duplicate_call_gets_409(token):
    push(token[1])
    response = push(token[1], audio=wav_bytes(seed=99))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_call"


def test_not_audio_gets_400_with_the_reason(token):
    response = push(token[1], audio=b"hello, I am not a WAV file")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_the_bearer_scheme_is_accepted_in_any_case(token, scheme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    metadata = {
        "call_id": f"case-{scheme}",
        "direction": "in",
        "started_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
    }
    response = Client().post(
        URL,
        {
            "metadata": json.dumps(metadata),
            "audio": SimpleUploadedFile("c.wav", wav_bytes(seed=len(scheme)), "audio/wav"),
        },
        HTTP_AUTHORIZATION=f"{scheme} {token[1]}",
    )
    assert response.status_code == 201, response.content


def test_another_scheme_is_still_refused_with_the_api_error_shape(token):
    response = Client().post(URL, {}, HTTP_AUTHORIZATION=f"Token {token[1]}")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_openapi_schema_documents_the_ingest_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/recordings"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"201", "400", "401", "409"} <= set(operation["responses"])
    assert "ingestToken" in schema["components"]["securitySchemes"]


def served_schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_served_schema_is_valid_openapi(client):
    from openapi_spec_validator import validate

    validate(served_schema(client))  # raises on the first error


def test_the_schema_describes_audio_as_a_file_and_metadata_as_a_json_object(client):
    schema = served_schema(client)
    content = schema["paths"]["/api/v1/recordings"]["post"]["requestBody"]["content"]
    multipart = content["multipart/form-data"]
    request = schema["components"]["schemas"][multipart["schema"]["$ref"].split("/")[-1]]
    assert request["properties"]["audio"] == {
        **request["properties"]["audio"],
        "type": "string",
        "format": "binary",
    }
    assert set(request["required"]) == {"audio", "metadata"}
    assert request["properties"]["metadata"]["$ref"] == "#/components/schemas/RecordingMetadata"
    assert multipart["encoding"]["metadata"]["contentType"] == "application/json"

    metadata = schema["components"]["schemas"]["RecordingMetadata"]
    assert metadata["type"] == "object"
    assert metadata["additionalProperties"] is False
    assert set(metadata["required"]) == {"call_id", "started_at", "direction"}
    props = metadata["properties"]
    assert props["started_at"]["format"] == "date-time"
    assert props["customer_date_of_birth"]["format"] == "date"
    assert props["duration_seconds"]["type"] == "number"
    assert props["duration_seconds"]["maximum"] == 86400
    direction = props["direction"]["allOf"][0]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][direction]["enum"]) == {
        "inbound",
        "outbound",
        "internal",
        "in",
        "out",
    }
    assert props["call_id"] == {**props["call_id"], "type": "string", "maxLength": 128}


def test_the_documented_metadata_fields_are_the_ones_ingest_accepts(client):
    from recordings.metadata import RecordingMetadataForm

    props = served_schema(client)["components"]["schemas"]["RecordingMetadata"]["properties"]
    assert set(props) == set(RecordingMetadataForm.base_fields)
    for name, field in RecordingMetadataForm.base_fields.items():
        if getattr(field, "max_length", None):
            assert props[name]["maxLength"] == field.max_length, name


def test_the_schema_documents_the_refusal_and_the_answer(client):
    schema = served_schema(client)
    responses = schema["paths"]["/api/v1/recordings"]["post"]["responses"]
    refusal = responses["400"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][refusal.split("/")[-1]]["properties"]) == {
        "code",
        "detail",
    }
    ingested = responses["201"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert {"id", "started_at", "purge_deadline", "warnings"} <= set(
        schema["components"]["schemas"][ingested]["properties"]
    )
