"""Range requests with a real HTTP client against a live server, as a browser's player sends."""

import httpx
import pytest
from django.conf import settings
from django.urls import reverse

from recordings.storage import audio_storage

pytestmark = pytest.mark.django_db(transaction=True)


def test_ranges_over_real_http(world, live_server, client_for):
    client = client_for(world.cast["employee"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    recording = world.own_call
    url = live_server.url + reverse(
        "access:recording_audio", kwargs={"org_slug": "acme", "recording_id": recording.pk}
    )
    with audio_storage().open(recording.storage_key, "rb") as handle:
        data = handle.read()
    cookies = {settings.SESSION_COOKIE_NAME: session}
    with httpx.Client(cookies=cookies, timeout=10) as http:
        part = http.get(url, params={"purpose": "coaching"}, headers={"Range": "bytes=10-109"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 10-109/{len(data)}"
        assert part.content == data[10:110]
        tail = http.get(url, params={"purpose": "coaching"}, headers={"Range": "bytes=-20"})
        assert tail.status_code == 206 and tail.content == data[-20:]
        beyond = http.get(
            url, params={"purpose": "coaching"}, headers={"Range": f"bytes={len(data)}-"}
        )
        assert beyond.status_code == 416
        whole = http.get(url, params={"purpose": "coaching"})
        assert whole.status_code == 200 and whole.content == data
    outsider = client_for(world.cast.outsider).cookies[settings.SESSION_COOKIE_NAME].value
    with httpx.Client(cookies={settings.SESSION_COOKIE_NAME: outsider}, timeout=10) as http:
        assert http.get(url, params={"purpose": "coaching"}).status_code == 404
