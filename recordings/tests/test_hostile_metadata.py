"""Hostile or careless metadata: always a 400 with the API's {code, detail}, never a 500, and
nothing stored (no row, no audio object). Through the API and the browser upload alike."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from access.tests.conftest import register_for
from recordings.metadata import RecordingMetadataForm
from recordings.models import Recording
from recordings.tests.factories import wav_bytes
from recordings.tokens import ingest_token_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/recordings"
_seeds = itertools.count(1000)


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["audio"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def started() -> str:
    return (timezone.now() - timedelta(minutes=5)).isoformat()


def valid(**changes) -> dict:
    """Valid metadata with some keys changed (a value of ... removes the key)."""
    metadata = {"call_id": "hostile-1", "direction": "inbound", "started_at": started()}
    metadata.update(changes)
    return {k: v for k, v in metadata.items() if v is not ...}


@pytest.fixture
def raw_token(cast):
    register_for(cast.organisation, customer_fields=("phone", "date_of_birth", "name"))
    return ingest_token_create(organisation=cast.organisation, name="PBX", actor=None)[1]


def push(raw_token: str, metadata, *, scheme: str = "Bearer"):
    audio = SimpleUploadedFile("call.wav", wav_bytes(seed=next(_seeds)), "audio/wav")
    return Client().post(
        URL,
        {"metadata": metadata, "audio": audio},
        HTTP_AUTHORIZATION=f"{scheme} {raw_token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def assert_refused(response, code: str = "metadata") -> dict:
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert not Recording.objects.exists()
    assert stored_files() == []
    return body


DEEP = "[" * 20_000 + "]" * 20_000  # 40 KB: under the size limit, over the parser's depth


# Each case is built when the test runs, so that its start is "5 minutes ago" on the test's clock.
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(lambda: DEEP, id="nested-20000-deep"),
        pytest.param(lambda: '{"call_id": ' + "[" * 5000 + "]" * 5000 + "}", id="nested-value"),
        pytest.param(
            lambda: json.dumps(valid())[:-1] + ', "duration_seconds": 1' + "0" * 5000 + "}",
            id="5000-digit-integer",
        ),
        pytest.param(lambda: json.dumps(valid())[:-1] + ', "duration_seconds": NaN}', id="NaN"),
        pytest.param(
            lambda: json.dumps(valid())[:-1] + ', "duration_seconds": Infinity}', id="Infinity"
        ),
        pytest.param(
            lambda: json.dumps(valid())[:-1] + ', "call_id": "another"}', id="a-key-given-twice"
        ),
        pytest.param(lambda: "[]", id="a-list"),
        pytest.param(lambda: "12", id="a-number"),
        pytest.param(lambda: "", id="empty"),
    ],
)
def test_metadata_json_that_breaks_parsers_is_a_400(raw_token, raw):
    assert_refused(push(raw_token, raw()))


@pytest.mark.parametrize(
    "field, value",
    [
        ("started_at", 1_764_900_000),
        ("started_at", 1_764_900_000.5),
        ("started_at", ["2026-01-01T10:00:00"]),
        ("started_at", {"date": "2026-01-01"}),
        ("started_at", True),
        ("started_at", "0001-01-01T00:00:00+01:00"),
        ("started_at", "0001-01-01T00:00:00"),
        ("started_at", "2026-02-30T10:00:00"),
        ("customer_date_of_birth", 19800101),
        ("customer_date_of_birth", ["1980-01-01"]),
        ("customer_date_of_birth", False),
        ("duration_seconds", 1e308),
        ("duration_seconds", -1),
        ("duration_seconds", True),
        ("duration_seconds", "12.5"),
        ("duration_seconds", [12]),
        ("call_id", {"a": 1}),
        ("call_id", ["x"]),
        ("call_id", 12345),
        ("call_id", True),
        ("call_id", "bad\ud800surrogate"),
        ("call_id", "nul\x00byte"),
        ("direction", ["inbound"]),
        ("direction", 1),
        ("queue", {"name": "x"}),
        ("agent_id", 1001),
        ("customer_phone", 612345678),
        ("customer_name", ["Jan"]),
        ("announcement", 3.5),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_coerced(raw_token, field, value):
    body = assert_refused(push(raw_token, json.dumps(valid(**{field: value}))))
    assert str(RecordingMetadataForm.base_fields[field].label) in body["detail"]


def test_metadata_larger_than_the_request_limit_is_a_json_400(raw_token):
    huge = json.dumps(valid(queue="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)))
    assert_refused(push(raw_token, huge), code="too_large")


def test_metadata_sent_as_a_json_file_part_is_read_like_the_field(raw_token):
    part = SimpleUploadedFile("metadata.json", json.dumps(valid()).encode(), "application/json")
    response = push(raw_token, part)
    assert response.status_code == 201, response.content
    assert Recording.objects.get().call_id == "hostile-1"


def test_a_broken_multipart_body_is_a_json_400(raw_token):
    response = Client().post(
        URL,
        b'--xyz\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{',
        content_type="multipart/form-data; boundary=xyz",
        HTTP_AUTHORIZATION=f"Bearer {raw_token}",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "detail"}
    assert not Recording.objects.exists()


def test_the_refusals_say_which_field_and_what_was_expected(raw_token):
    body = assert_refused(push(raw_token, json.dumps(valid(call_id={"a": 1}))))
    assert "Call id" in body["detail"] and "text" in body["detail"]
    body = assert_refused(push(raw_token, json.dumps(valid(duration_seconds=True))))
    assert "Duration" in body["detail"] and "number" in body["detail"]


def test_a_normal_call_still_passes_beside_the_hostile_ones(raw_token):
    response = push(raw_token, json.dumps(valid(duration_seconds=12, queue=None)))
    assert response.status_code == 201, response.content
    assert Recording.objects.get().duration_seconds == 12.0


# Arbitrary JSON at the metadata: never a 500, and a refusal stores nothing.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["inbound", "out", "2026-10-25T02:30:00", "2026-03-29T02:30:00", "06-1"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "call_id",
    "started_at",
    "direction",
    "duration_seconds",
    "queue",
    "agent_id",
    "announcement",
    "customer_phone",
    "customer_date_of_birth",
    "customer_name",
]


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    base=st.fixed_dictionaries({}, optional=dict.fromkeys(KEYS, json_values)),
    keep_valid=st.sets(st.sampled_from(["call_id", "started_at", "direction"])),
)
def test_arbitrary_json_metadata_never_gives_a_500_nor_stores_a_refused_call(
    raw_token, base, keep_valid
):
    metadata = {**base, **{k: v for k, v in valid().items() if k in keep_valid}}
    if "call_id" in keep_valid:
        metadata["call_id"] = f"fuzz-{next(_seeds)}"
    rows, files = Recording.objects.count(), len(stored_files())
    response = push(raw_token, json.dumps(metadata))
    # 409: a generated call id that an earlier example stored.
    assert response.status_code in (201, 400, 409), response.content[:300]
    assert response["Content-Type"] == "application/json"
    if response.status_code != 201:
        assert set(response.json()) == {"code", "detail"}
        assert (Recording.objects.count(), len(stored_files())) == (rows, files)
    else:
        assert (Recording.objects.count(), len(stored_files())) == (rows + 1, files + 1)


# The browser upload with a JSON sidecar goes through the same checks.


def upload(client, sidecar: bytes):
    url = reverse("recordings:upload_file", kwargs={"org_slug": "acme"})
    return client.post(
        url,
        {
            "audio": SimpleUploadedFile("call.wav", wav_bytes(seed=next(_seeds)), "audio/wav"),
            "sidecar": SimpleUploadedFile("call.json", sidecar, "application/json"),
        },
    )


@pytest.mark.parametrize(
    "sidecar",
    [
        pytest.param(lambda: DEEP.encode(), id="nested-20000-deep"),
        pytest.param(
            lambda: (
                json.dumps(valid())[:-1].encode() + b', "duration_seconds": 1' + b"0" * 5000 + b"}"
            ),
            id="5000-digit-integer",
        ),
        pytest.param(lambda: json.dumps(valid(started_at=1_764_900_000)), id="started-number"),
        pytest.param(lambda: json.dumps(valid(started_at=[1])), id="started-list"),
        pytest.param(lambda: json.dumps(valid(call_id={"a": 1})), id="call-id-object"),
        pytest.param(lambda: json.dumps(valid(duration_seconds=1e308)), id="duration-1e308"),
        pytest.param(lambda: b"\xff\xfe not utf-8", id="not-utf-8"),
        pytest.param(lambda: json.dumps(valid(queue="x" * 2_000_000)), id="sidecar-too-big"),
    ],
)
def test_the_upload_refuses_a_hostile_sidecar_with_a_json_400(cast, client_for, sidecar):
    register_for(cast.organisation)
    raw = sidecar()
    response = upload(client_for(cast["coach"]), raw if isinstance(raw, bytes) else raw.encode())
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["ok"] is False and body["error"]
    assert not Recording.objects.exists()
    assert stored_files() == []


def test_the_upload_still_takes_a_good_sidecar(cast, client_for):
    register_for(cast.organisation)
    response = upload(client_for(cast["coach"]), json.dumps(valid(duration_seconds=3.5)).encode())
    assert response.status_code == 201, response.content
    assert Recording.objects.get().duration_seconds == 3.5
