"""The gate's short way for further ranges on the embedded default (SQLite), over real HTTP:
the same decisions as on PostgreSQL (ids and dates are compared as SQLite stores them)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from django.conf import settings

from access.tests.test_play_counting import ROOT, _free_port, _manage, _sqlite_env, _wait_for


def _shell(env: dict[str, str], code: str) -> str:
    return _manage(env, "shell", "-c", code).strip().splitlines()[-1]


def test_further_ranges_on_sqlite_follow_revokes_and_deadlines(tmp_path: Path):
    env = _sqlite_env(tmp_path)
    _manage(env, "migrate", "--noinput")
    world = json.loads(
        _shell(env, "from access.tests.sqlite_world import build; build(sessions=1, max_plays=1)")
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    audio = f"{base}/o/acme/recordings/{world['recording']}/audio"
    cookie = settings.SESSION_COOKIE_NAME
    # The tests change the world behind the server's back, as another process would.
    database = sqlite3.connect(tmp_path / "earshot.sqlite3", timeout=30)
    try:
        _wait_for(base + "/account/login/", server)
        with (
            httpx.Client(cookies={cookie: world["coaches"][0]}, timeout=30) as coach,
            httpx.Client(cookies={cookie: world["managers"][0]}, timeout=30) as manager,
        ):

            def play(browser, purpose: str, start: int) -> int:
                answer = browser.get(
                    audio,
                    params={"purpose": purpose},
                    headers={"Range": f"bytes={start}-{start + 999}"},
                )
                return answer.status_code

            # A standing right and a one-play grant: each listen goes on past its first range.
            assert [play(coach, "coaching", n * 1000) for n in range(3)] == [206] * 3
            assert [play(manager, "misconduct", n * 1000) for n in range(3)] == [206] * 3
            database.execute(
                "UPDATE access_grant SET revoked_at = '2020-01-01 00:00:00' WHERE id = ?",
                [uuid.UUID(world["grant"]).hex],
            )
            database.commit()
            assert play(manager, "misconduct", 3000) == 403
            assert play(coach, "coaching", 3000) == 206
            past = (datetime.now(UTC) - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
            database.execute(
                "UPDATE recordings_recording SET purge_deadline = ? WHERE id = ?",
                [past, uuid.UUID(world["recording"]).hex],
            )
            database.commit()
            assert play(coach, "coaching", 4000) == 410
        plays = database.execute("SELECT plays FROM access_grant").fetchone()[0]
        listened = database.execute(
            "SELECT count(*) FROM audit_auditevent WHERE action = 'access.recording.listened'"
        ).fetchone()[0]
    finally:
        database.close()
        server.terminate()
        server.wait(timeout=30)
    assert (plays, listened) == (1, 2)
