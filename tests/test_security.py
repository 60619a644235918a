"""Security settings a user or an operator would notice: CSP, no inline script, deploy check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_FILES = sorted(ROOT.glob("templates/**/*.html")) + sorted(
    ROOT.glob("*/templates/**/*.html")
)


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("EARSHOT_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="earshot.settings",
        EARSHOT_DOTENV="",  # not the development .env `make run` writes
        EARSHOT_SECRET_KEY="a-long-random-production-key-" + "k7Qx9" * 10,
        EARSHOT_IDENTIFIER_KEY="identifier-key-" + "i" * 32,
        EARSHOT_ALLOWED_HOSTS="earshot.example.nl",
        DATABASE_URL=os.environ["DATABASE_URL"],  # set by earshot.test_settings
        # The audit trail's checkpoint key; a file earshot.test_settings made.
        EARSHOT_AUDIT_SIGNING_KEY_FILE=os.environ["EARSHOT_AUDIT_SIGNING_KEY_FILE"],
    )
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_templates_contain_no_inline_script_or_style():
    offenders = []
    for path in TEMPLATE_FILES:
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path}: inline event handler")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path}: inline style attribute")
    assert TEMPLATE_FILES, "no templates found"
    assert offenders == []


@pytest.mark.django_db
def test_pages_carry_a_csp_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_session_cookie_is_http_only(client, cast):
    response = client.post(
        reverse("login"), {"username": "acme-employee", "password": "correct horse battery"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["EARSHOT_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "EARSHOT_SECRET_KEY" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("file-secret-" + "z" * 50)
    env = _production_env(EARSHOT_SECRET_KEY_FILE=str(secret))
    del env["EARSHOT_SECRET_KEY"]
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "file-secret-" + "z" * 50


def test_settings_read_a_dotenv_file_for_what_the_environment_does_not_set(tmp_path):
    """`make run` writes a development .env so that the README's commands work from any shell;
    what the environment says still wins."""
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "EARSHOT_SECRET_KEY=dotenv-secret-" + "d" * 50 + "\nEARSHOT_ALLOWED_HOSTS=from-dotenv.nl\n"
    )
    env = _production_env(EARSHOT_DOTENV=str(dotenv))
    del env["EARSHOT_SECRET_KEY"]
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY, settings.ALLOWED_HOSTS)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["dotenv-secret-" + "d" * 50, "['earshot.example.nl']"]


def test_a_malformed_boolean_fails_loudly():
    result = _manage("check", env=_production_env(EARSHOT_DEBUG="maybe"))
    assert result.returncode != 0
    assert "EARSHOT_DEBUG must be one of" in result.stderr


def test_deploy_check_warns_without_an_audit_signing_key():
    env = _production_env()
    del env["EARSHOT_AUDIT_SIGNING_KEY_FILE"]
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "audit.W001" in result.stdout + result.stderr


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    # The key store on a folder of its own, not beside the audio in EARSHOT_VAR_DIR (that
    # default layout is reported as recordings.I001: fine for a trial, not for production).
    env = _production_env(EARSHOT_KEY_DIR=str(tmp_path / "keys"))
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"EARSHOT_DEMO": "1"}, "earshot.W001"),
        ({"EARSHOT_TWO_FACTOR_REQUIRED": "0"}, "earshot.W002"),
    ],
)
def test_deploy_check_warns_in_demo_mode_and_without_two_factor(overrides, code):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(**overrides)
    )
    assert result.returncode != 0
    assert code in result.stdout + result.stderr


@pytest.mark.django_db(transaction=True)
def test_deploy_check_warns_when_the_demo_accounts_are_loaded(django_user_model):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from earshot.demo import DEMO_PASSWORD

    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = _production_env(DATABASE_URL=url)
    args = ("check", "--deploy", "--fail-level", "WARNING")
    clean = _manage(*args, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # Hashed as production hashes it (the suite's own hasher is MD5, unknown there).
    hashed = PBKDF2PasswordHasher().encode(DEMO_PASSWORD, PBKDF2PasswordHasher().salt())
    django_user_model.objects.create(username="rvo-coach", password=hashed)
    result = _manage(*args, env=env)
    assert result.returncode != 0
    assert "earshot.W003" in result.stdout + result.stderr


@pytest.mark.django_db
def test_every_response_carries_a_permissions_policy(client):
    for response in (client.get(reverse("login")), client.get("/no-such-page/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy
        assert "autoplay=(self)" in policy  # the player starts on a click


def test_debug_is_off_and_audio_lies_outside_what_is_served_by_default():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.STORAGES['default']['OPTIONS']['location'], s.STATIC_ROOT)",
        env=_production_env(EARSHOT_VAR_DIR="/srv/earshot"),
    )
    debug, audio, static = result.stdout.split()
    assert debug == "False", result.stderr
    assert not audio.startswith(static) and not static.startswith(audio)


def test_client_address_comes_from_the_proxy_only_when_behind_one(rf, settings):
    from organisations.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.9")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.9"
