"""Importing in the browser (upload, preview, confirm) and as a command for scripted installs;
who may; and the notice of a register without a recording retention on the pages it concerns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from organisations.tests.factories import OrganisationFactory
from register.document import register_document
from register.exports import as_json
from register.models import ProcessingActivity, RegisterVersion
from register.tests.helpers import small_register

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def url(name: str, slug: str = "acme") -> str:
    return reverse(f"register:{name}", kwargs={"org_slug": slug})


def upload(client, content: bytes, slug: str = "acme"):
    return client.post(
        url("import", slug),
        {"file": SimpleUploadedFile("register.json", content, "application/json")},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def other_register(cast) -> bytes:
    """The JSON export of a register of another organisation (its file, moved here)."""
    small_register(cast.other_organisation)
    return as_json(cast.other_organisation).content


def test_upload_preview_and_confirm(cast, client_for, other_register):
    client = client_for(cast["privacy_officer"])
    preview = upload(client, other_register)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'data-planned="R1" data-outcome="created"' in html
    assert "new activity (version 1)" in html
    # Nothing yet: the preview changes nothing.
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()
    sha = preview.context["plan"].digest
    response = client.post(url("import_confirm"), {"sha256": sha})
    assert response.status_code == 302
    assert response["Location"] == url("overview")
    ours = register_document(cast.organisation)["activities"]
    assert ours == register_document(cast.other_organisation)["activities"]
    event = AuditEvent.objects.get(action="register.imported")
    assert event.actor_id == cast["privacy_officer"].pk
    assert event.detail["source"] == "browser"
    # The preview is used up: confirming twice imports nothing more.
    again = client.post(url("import_confirm"), {"sha256": sha})
    assert again.status_code == 302 and again["Location"] == url("import")
    assert AuditEvent.objects.filter(action="register.imported").count() == 1


def test_a_refused_file_lists_every_problem_and_is_recorded(cast, client_for, other_register):
    document = json.loads(other_register)
    document["activities"][0]["purposes"][0]["legal_basis"] = "gut_feeling"
    del document["activities"][0]["data_subject_entries"][0]["retention_value"]
    response = upload(client_for(cast["administrator"]), json.dumps(document).encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-import-problems="2"' in html
    assert html.count("<tr data-problem>") == 2
    assert "“gut_feeling” is not known" in html
    assert "data-subject line 1" in html and "retention_value" in html
    assert "data-confirm-import" not in html
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()
    event = AuditEvent.objects.get(action="register.import.refused")
    assert event.actor_id == cast["administrator"].pk
    assert event.detail["source"] == "browser" and event.detail["problems"] == 2


def test_malformed_json_says_where(cast, client_for):
    response = upload(client_for(cast["privacy_officer"]), b'{"activities": [}')
    assert response.status_code == 400
    html = response.content.decode()
    assert "<td>line 1, column 17</td>" in html
    assert "this is not valid JSON (Expecting value)" in html


def test_a_confirm_without_a_preview_imports_nothing(cast, client_for):
    client = client_for(cast["privacy_officer"])
    response = client.post(url("import_confirm"), {"sha256": "0" * 64})
    assert response.status_code == 302
    assert not ProcessingActivity.objects.exists()


def test_a_preview_of_another_organisation_cannot_be_confirmed_here(
    cast, client_for, other_register
):
    """One person in two organisations: a preview made in one is not imported into another."""
    from organisations.tests.factories import membership

    user = cast["privacy_officer"]
    membership(user, cast.other_organisation, "privacy_officer")
    client = client_for(user)
    preview = upload(client, other_register, slug="acme")
    sha = preview.context["plan"].digest
    response = client.post(url("import_confirm", "other"), {"sha256": sha})
    assert response.status_code == 302
    assert ProcessingActivity.objects.filter(organisation=cast.other_organisation).count() == 1
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()


@pytest.mark.parametrize(
    "role,status",
    [
        ("privacy_officer", 200),
        ("administrator", 200),
        ("auditor", 403),
        ("manager", 403),
        ("team_leader", 403),
        ("coach", 403),
        ("employee", 403),
    ],
)
def test_who_may_import(cast, client_for, other_register, role, status):
    client = client_for(cast[role])
    assert client.get(url("import")).status_code == status
    assert upload(client, other_register).status_code == status
    assert client.post(url("import_confirm"), {"sha256": "x"}).status_code == (
        302 if status == 200 else status
    )
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()


def test_an_outsider_gets_404_on_every_import_url(cast, client_for, other_register):
    client = client_for(cast.outsider)
    assert client.get(url("import")).status_code == 404
    assert upload(client, other_register).status_code == 404
    assert client.post(url("import_confirm"), {"sha256": "x"}).status_code == 404
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()


# --- the command -------------------------------------------------------------------------------


def test_the_command_imports_and_says_what_it_did(cast, other_register, tmp_path, capsys):
    path = tmp_path / "register.json"
    path.write_bytes(other_register)
    call_command("import_register", "--org", "acme", "--check", str(path))
    assert capsys.readouterr().out == "R1: would be added.\n"
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()
    call_command("import_register", "--org", "acme", str(path))
    out = capsys.readouterr().out
    assert out == "R1: created.\nImported 1 activity(ies) into acme.\n"
    event = AuditEvent.objects.get(action="register.imported")
    assert event.actor_id is None and event.detail["source"] == "command"
    call_command("import_register", "--org", "acme", str(path))
    assert capsys.readouterr().out.startswith("R1: unchanged.\n")
    assert RegisterVersion.objects.filter(organisation=cast.organisation).count() == 1


def test_the_command_lists_every_problem_and_refuses(cast, other_register, tmp_path, capsys):
    document = json.loads(other_register)
    document["activities"][0]["purposes"][1]["code"] = "coaching"
    document["activities"][0]["recipients"][0]["kind"] = 7
    path = tmp_path / "register.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="Refused: 2 problem"):
        call_command("import_register", "--org", "acme", str(path))
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}: activity 1 (R1), recipient 1, kind: must be text, not a number",
        f"{path}: activity 1 (R1), purpose 2 (coaching), code: the code “coaching” is used "
        "by an earlier purpose",
    ]
    assert not ProcessingActivity.objects.filter(organisation=cast.organisation).exists()
    assert AuditEvent.objects.get(action="register.import.refused").detail["source"] == "command"


def test_the_command_names_an_unknown_organisation_and_a_missing_file(cast, tmp_path):
    with pytest.raises(CommandError, match="No organisation with the slug 'nope'"):
        call_command("import_register", "--org", "nope", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="Cannot read .*x.json: No such file"):
        call_command("import_register", "--org", "acme", str(tmp_path / "x.json"))


def _manage_env(settings) -> dict[str, str]:
    from django.db import connection as db

    conf = db.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARSHOT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="earshot.settings",
        # The test database, where this test's rows are committed.
        DATABASE_URL=f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}",
        EARSHOT_SECRET_KEY="x" * 50,
        EARSHOT_IDENTIFIER_KEY="identifier-key-" + "i" * 32,
        EARSHOT_HTTPS="0",
        EARSHOT_VAR_DIR=str(settings.VAR_DIR),
        EARSHOT_AUDIT_SIGNING_KEY_FILE=str(settings.AUDIT_SIGNING_KEY_FILE),
        EARSHOT_AUDIT_CHECKPOINT_DIR=str(settings.AUDIT_CHECKPOINT_DIR),
    )
    return env


@pytest.mark.django_db(transaction=True)
def test_the_command_exit_status_from_a_shell(settings, tmp_path):
    source = OrganisationFactory(slug="bron")
    small_register(source)
    OrganisationFactory(slug="doel")
    good = tmp_path / "good.json"
    good.write_bytes(as_json(source).content)
    bad = tmp_path / "bad.json"
    bad.write_text('{"activities": [{"reference": "R9"}]}')
    env = _manage_env(settings)

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "import_register", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = run("--org", "doel", str(bad))
    assert result.returncode == 1
    assert f"{bad}: activity 1 (R9), name: missing; this field is required" in result.stderr
    assert "CommandError: Refused: " in result.stderr
    result = run("--org", "doel", str(good))
    assert result.returncode == 0, result.stderr
    assert "R1: created." in result.stdout
    assert ProcessingActivity.objects.filter(organisation__slug="doel").count() == 1
    assert run("--org", "nope", str(good)).returncode == 1


# --- the notice of a missing recording retention -----------------------------------------------

PAGES = [
    ("register:overview", {}),
    ("retention:overview", {}),
    ("recordings:upload", {}),
    ("organisations:dashboard", {}),
]


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_a_register_without_recording_retention_says_what_to_do_and_links_there(
    cast, client_for, name, kwargs
):
    client = client_for(cast["administrator"])
    page = client.get(reverse(name, kwargs={"org_slug": "acme", **kwargs})).content.decode()
    assert "data-retention-missing" in page
    assert "Nog geen bewaartermijn voor opnamen" in page  # Dutch first
    # No activity yet: the next step is creating one (or importing one).
    assert f'href="{url("activity_new")}" data-next-link' in page
    assert f'href="{url("import")}"' in page
    # With an activity that lacks the recording line: its edit page is the next step.
    activity = small_register(cast.organisation)
    activity.data_subject_entries.update(data_category="evaluation")
    page = client.get(reverse(name, kwargs={"org_slug": "acme", **kwargs})).content.decode()
    edit = reverse(
        "register:activity_edit", kwargs={"org_slug": "acme", "activity_id": activity.pk}
    )
    assert f'href="{edit}" data-next-link' in page
    # Declared: no notice.
    activity.data_subject_entries.update(data_category="recording")
    page = client.get(reverse(name, kwargs={"org_slug": "acme", **kwargs})).content.decode()
    assert "data-retention-missing" not in page


def test_a_member_who_cannot_change_the_register_is_told_whom_to_ask(cast, client_for):
    page = client_for(cast["employee"]).get(
        reverse("organisations:dashboard", kwargs={"org_slug": "acme"})
    )
    html = page.content.decode()
    assert "data-retention-missing" in html
    assert "vraag uw functionaris gegevensbescherming of beheerder" in html
    assert url("activity_new") not in html


def test_the_ingest_refusal_says_what_to_do_next(cast, tmp_path):
    from recordings.services import IngestRejected, recording_ingest
    from recordings.tests.factories import wav_bytes
    from recordings.tests.test_ingest import meta

    audio = tmp_path / "call.wav"
    audio.write_bytes(wav_bytes())
    with pytest.raises(IngestRejected) as refused:
        recording_ingest(
            organisation=cast.organisation,
            source=audio,
            metadata=meta(),
            channel="api",
        )
    message = str(refused.value.message)
    assert "Register → New processing activity, or Import" in message
    assert message.endswith(url("activity_new"))
