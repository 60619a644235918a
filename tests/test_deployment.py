"""The production shape: docker-compose.yml is valid and .env.example documents every setting."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_file_is_valid_with_the_example_environment(tmp_path):
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.fail("docker-compose is missing: run scripts/install-system-packages")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    result = subprocess.run(
        [compose, "-f", str(tmp_path / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    services = set(yaml.safe_load(result.stdout)["services"])
    assert {"postgres", "redis", "web", "worker", "beat"} <= services


def test_env_example_documents_every_setting_the_code_reads():
    read = set()
    for path in [
        ROOT / "earshot/settings.py",
        ROOT / "earshot/beat.py",
        ROOT / "earshot/storages.py",
    ]:
        read |= set(re.findall(r'env_\w+\(\s*"(EARSHOT_\w+)"', path.read_text()))
    read |= {
        "EARSHOT_BEAT_" + name.upper().replace("-", "_")
        for name in re.findall(r'BeatEntry\(\s*"([\w-]+)"', (ROOT / "earshot/beat.py").read_text())
    }
    documented = set(re.findall(r"(EARSHOT_\w+)=", (ROOT / ".env.example").read_text()))
    assert read - documented == set()
