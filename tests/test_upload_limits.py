"""nginx lets through every call Earshot accepts: its body limit follows EARSHOT_MAX_AUDIO_MB.

The environment comes from docker-compose (`docker-compose config`, as the services would
get it), Django's limits from its settings loaded with the web service's environment, and
nginx's from its template rendered as the nginx image does at start: the .envsh script
sourced, then envsubst with the variables that are set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
TEMPLATE = ROOT / "deploy/nginx/templates/default.conf.template"
ENVSH = ROOT / "deploy/nginx/15-earshot-body-size.envsh"
# Multipart framing: boundaries and part headers, a few hundred bytes per part in practice.
FRAMING = 64 * 1024


def compose_services(tmp_path: Path, env_file: str) -> dict:
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.fail("docker-compose is missing: run scripts/install-system-packages")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text(env_file)
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    result = subprocess.run(
        [compose, "-f", str(tmp_path / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        # Only .env may set the variables, not whoever runs the tests.
        env={"PATH": os.environ["PATH"]},
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def environment(service: dict) -> dict[str, str]:
    return {k: str(v) for k, v in (service.get("environment") or {}).items() if v is not None}


def django_limits(web_env: dict[str, str]) -> tuple[int, int]:
    env = {**web_env, "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "earshot.settings"}
    env["EARSHOT_SECRET_KEY"] = env.get("EARSHOT_SECRET_KEY") or "x" * 50  # as an operator sets
    env["EARSHOT_IDENTIFIER_KEY"] = env.get("EARSHOT_IDENTIFIER_KEY") or "i" * 32
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings as s; "
            "print(json.dumps([s.MAX_AUDIO_MB, s.DATA_UPLOAD_MAX_MEMORY_SIZE]))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    max_audio_mb, data_upload = json.loads(result.stdout)
    return max_audio_mb, data_upload


def render_nginx(nginx_env: dict[str, str]) -> subprocess.CompletedProcess:
    script = (
        f". {ENVSH} && "
        'envsubst "$(env | cut -d= -f1 | sed \'s/.*/${&}/\' | tr "\\n" " ")" '
        f"< {TEMPLATE}"
    )
    return subprocess.run(
        ["sh", "-c", script],
        env={"PATH": os.environ["PATH"], **nginx_env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def nginx_body_limit(config: str) -> int:
    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", config, re.MULTILINE)
    assert len(sizes) == 1, sizes
    return int(sizes[0]) * MIB


def example_env(max_audio_line: str | None) -> str:
    text = (ROOT / ".env.example").read_text()
    assert re.search(r"^EARSHOT_MAX_AUDIO_MB=", text, re.MULTILINE)
    replacement = max_audio_line if max_audio_line is not None else ""
    return re.sub(r"^EARSHOT_MAX_AUDIO_MB=.*$", replacement, text, flags=re.MULTILINE)


@pytest.mark.parametrize(
    "max_audio_line",
    [
        pytest.param(None, id="unset-both-defaults"),
        pytest.param("EARSHOT_MAX_AUDIO_MB=200", id="example-200"),
        pytest.param("EARSHOT_MAX_AUDIO_MB=500", id="raised-500"),
        pytest.param("EARSHOT_MAX_AUDIO_MB=20", id="lowered-20"),
    ],
)
def test_nginx_takes_every_request_django_would_accept_and_not_much_more(tmp_path, max_audio_line):
    services = compose_services(tmp_path, example_env(max_audio_line))
    max_audio_mb, data_upload_bytes = django_limits(environment(services["web"]))
    if max_audio_line is not None:
        assert max_audio_mb == int(max_audio_line.split("=")[1])

    rendered = render_nginx(environment(services["nginx"]))
    assert rendered.returncode == 0, rendered.stderr
    config = rendered.stdout
    assert "${" not in config, "a template variable was left unset"
    body_limit = nginx_body_limit(config)

    # The largest audio Django accepts, with as much form data as it accepts beside it.
    largest_accepted = max_audio_mb * MIB + data_upload_bytes + FRAMING
    assert body_limit >= largest_accepted
    # And nginx still stops what Django would refuse anyway, soon after.
    assert body_limit <= max_audio_mb * MIB + 16 * MIB


def test_nginx_answers_a_body_over_its_limit_in_the_apis_json_shape(tmp_path):
    services = compose_services(tmp_path, example_env("EARSHOT_MAX_AUDIO_MB=200"))
    config = render_nginx(environment(services["nginx"])).stdout
    assert re.search(r"^\s*error_page 413 @too_large;", config, re.MULTILINE)
    body = re.search(r"location @too_large \{.*?return 413 '(.*?)';", config, re.DOTALL)
    refusal = json.loads(body.group(1))
    assert set(refusal) == {"code", "detail"} and refusal["code"] == "too_large"
    assert "200 MB" in refusal["detail"]


def test_the_nginx_limit_refuses_a_value_that_is_not_a_number():
    rendered = render_nginx({"EARSHOT_MAX_AUDIO_MB": "200MB"})
    assert rendered.returncode != 0
    assert "whole number" in rendered.stderr


def test_the_envsh_script_is_executable_or_the_nginx_image_skips_it():
    assert os.access(ENVSH, os.X_OK)


def test_the_apis_own_metadata_limit_answers_before_djangos_request_limit(settings):
    from recordings.services import METADATA_MAX_BYTES

    assert METADATA_MAX_BYTES < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
