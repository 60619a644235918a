"""A play is counted against a grant in the same transaction as its audit event, and the
embedded default (SQLite) takes a burst of parallel plays without "database is locked"."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from access.models import Grant
from audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def _audio_url(fe, recording) -> str:
    url = reverse(
        "access:recording_audio",
        kwargs={"org_slug": fe.cast.organisation.slug, "recording_id": recording.pk},
    )
    return f"{url}?purpose={fe.purpose.code}"


@pytest.mark.django_db
def test_a_play_whose_audit_event_fails_is_not_counted(four_eyes, client_for):
    four_eyes.rule.max_plays = 2
    four_eyes.rule.save()
    request = four_eyes.ask()
    four_eyes.decide("privacy_officer", request)
    grant = Grant.objects.get(request=request)
    # The database refuses the listen's audit event (a full disk, a lost connection...).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_refuse_listen() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.action = 'access.recording.listened' THEN
                    RAISE EXCEPTION 'audit write failed';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_listen BEFORE INSERT ON audit_auditevent
                FOR EACH ROW EXECUTE FUNCTION test_refuse_listen();
            """
        )
    manager = client_for(four_eyes.cast["manager"])
    manager.raise_request_exception = False
    response = manager.get(_audio_url(four_eyes, four_eyes.call), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 500
    grant.refresh_from_db()
    assert grant.plays == 0  # the failed request used up none of the grant's plays
    assert not AuditEvent.objects.filter(action="access.recording.listened").exists()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_refuse_listen ON audit_auditevent")
    # The same browser then plays: it counts once, as a fresh play.
    response = manager.get(_audio_url(four_eyes, four_eyes.call), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    grant.refresh_from_db()
    assert grant.plays == 1


# --- SQLite, the embedded default, under a burst of parallel plays ---------------------------

SESSIONS = 8  # per person: 8 manager playbacks on one grant and 8 coach playbacks, at once


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sqlite_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARSHOT_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="earshot.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'earshot.sqlite3'}",
        CELERY_BROKER_URL="memory://",
        EARSHOT_CELERY_EAGER="1",
        EARSHOT_VAR_DIR=str(tmp_path / "var"),
        EARSHOT_SECRET_KEY="sqlite-play-test-" + "x" * 40,
        EARSHOT_IDENTIFIER_KEY="identifier-key-" + "i" * 32,
        EARSHOT_HTTPS="0",
        EARSHOT_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        EARSHOT_LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def test_parallel_plays_on_sqlite_all_succeed_and_count_exactly(tmp_path):
    env = _sqlite_env(tmp_path)
    _manage(env, "migrate", "--noinput")
    world = json.loads(
        _manage(
            env,
            "shell",
            "-c",
            "from access.tests.sqlite_world import build; "
            f"build(sessions={SESSIONS}, max_plays={SESSIONS})",
        )
        .strip()
        .splitlines()[-1]
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("w"),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/account/login/", server)
        audio = f"{base}/o/acme/recordings/{world['recording']}/audio"
        plays = [(session, "misconduct") for session in world["managers"]] + [
            (session, "coaching") for session in world["coaches"]
        ]
        barrier = threading.Barrier(len(plays))
        statuses: list[int] = [0] * len(plays)

        def play(index: int, session: str, purpose: str) -> None:
            with httpx.Client(
                cookies={settings.SESSION_COOKIE_NAME: session}, timeout=60
            ) as browser:
                barrier.wait(timeout=30)
                response = browser.get(
                    audio, params={"purpose": purpose}, headers={"Range": "bytes=0-1023"}
                )
                statuses[index] = response.status_code

        threads = [
            threading.Thread(target=play, args=(index, *pair)) for index, pair in enumerate(plays)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = [
        line for line in (tmp_path / "server.log").read_text().splitlines() if "Error" in line
    ]
    assert statuses == [206] * len(plays), (statuses, errors[-10:])
    counts = json.loads(
        _manage(
            env,
            "shell",
            "-c",
            f"from access.tests.sqlite_world import counts; counts({world['grant']!r})",
        )
        .strip()
        .splitlines()[-1]
    )
    assert counts == {"plays": SESSIONS, "listened": 2 * SESSIONS}
