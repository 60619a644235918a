"""EARSHOT_IDENTIFIER_KEY is required in production, like the secret key."""

from tests.test_security import _manage, _production_env


def test_production_refuses_to_start_without_an_identifier_key():
    env = _production_env()
    del env["EARSHOT_IDENTIFIER_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "EARSHOT_IDENTIFIER_KEY" in result.stderr


def test_the_identifier_key_can_come_from_a_file(tmp_path):
    key = tmp_path / "identifier-key"
    key.write_text("file-identifier-key-" + "k" * 30)
    env = _production_env(EARSHOT_IDENTIFIER_KEY_FILE=str(key))
    del env["EARSHOT_IDENTIFIER_KEY"]
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.IDENTIFIER_KEY)", env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "file-identifier-key-" + "k" * 30
