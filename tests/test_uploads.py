"""Uploads with hostile file names: a part whose name has a very long extension is taken with
its name intact, never a 500 (the temporary file it streams into gets a short suffix)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db

LONG_NAME = "call." + "x" * 250
SIZES = (10, 3 * 1024 * 1024)  # a small part and one larger than Django's in-memory limit


def _part(size: int) -> io.BytesIO:
    part = io.BytesIO(b"\0" * size)
    part.name = LONG_NAME
    return part


@pytest.mark.parametrize("size", SIZES)
def test_an_anonymous_post_with_a_long_extension_is_no_server_error(client, size):
    response = client.post(
        reverse("login"), {"username": "nobody", "password": "wrong", "file": _part(size)}
    )
    assert response.status_code in (200, 400)
    assert b'name="username"' in response.content  # the sign-in form again, not an error page


@pytest.mark.parametrize("size", SIZES)
def test_the_upload_keeps_its_name_and_content(size):
    request = RequestFactory().post("/", {"file": _part(size)})
    upload = request.FILES["file"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.name == LONG_NAME[:255]
    assert upload.size == size and upload.read(10) == b"\0" * 10
    assert len(upload.temporary_file_path().rsplit("/", 1)[1]) < 100
