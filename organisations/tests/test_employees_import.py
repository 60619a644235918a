"""CSV import of employees: Excel's encodings and separators, per-row errors, all or nothing."""

from __future__ import annotations

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
from organisations.models import Employee
from organisations.tests.factories import EmployeeFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """The messages are asserted in English, whatever the installation's default language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


HEADER = "name;agent_id;team;username\r\n"
ROWS = [
    ("Ësther Çelik", "4001", "Team Noord", ""),
    ("Jan de Vrïes", "4002", "Team Zuid", "acme-employee"),
    ("Zoë Janssen", "4003", "", ""),
]


def csv_text(rows=ROWS, sep=";", header=None):
    header = header if header is not None else HEADER.replace(";", sep)
    return header + "".join(sep.join(row) + "\r\n" for row in rows)


@pytest.fixture
def teams(cast):
    return {
        name: TeamFactory(organisation=cast.organisation, name=name)
        for name in ("Team Noord", "Team Zuid")
    }


def import_url(cast):
    return reverse("organisations:employee_import", kwargs={"org_slug": cast.organisation.slug})


def upload(client, cast, data: bytes, filename="medewerkers.csv"):
    return client.post(import_url(cast), {"file": SimpleUploadedFile(filename, data, "text/csv")})


def names(cast):
    return sorted(
        Employee.objects.filter(organisation=cast.organisation).values_list("name", flat=True)
    )


@pytest.mark.parametrize(
    "encoding,sep",
    [("cp1252", ";"), ("utf-8-sig", ";"), ("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t")],
)
def test_excel_files_preview_and_import(cast, client_for, teams, tmp_path, encoding, sep):
    # A real file on disk as Excel writes it, then uploaded as the browser would.
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(csv_text(sep=sep).encode(encoding))
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    client = client_for(cast["administrator"])
    response = upload(client, cast, path.read_bytes())
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.valid, [row.errors for row in preview.rows]
    assert [row.name for row in preview.rows] == [row[0] for row in ROWS]
    assert not Employee.objects.filter(organisation=cast.organisation).exists()

    response = client.post(import_url(cast), {"confirm": "1", "text": preview.text})
    assert response.status_code == 302
    assert names(cast) == sorted(row[0] for row in ROWS)
    jan = Employee.objects.get(organisation=cast.organisation, pbx_agent_id="4002")
    assert jan.team == teams["Team Zuid"] and jan.user == cast["employee"]
    assert Employee.objects.get(pbx_agent_id="4003").team is None
    event = AuditEvent.objects.get(action="organisations.employees.imported")
    assert event.detail["count"] == 3
    assert sorted(event.detail["employee_ids"]) == sorted(
        Employee.objects.filter(organisation=cast.organisation).values_list("pk", flat=True)
    )


def test_the_confirmation_form_carries_the_file_through_the_browser(cast, client_for, teams):
    client = client_for(cast["administrator"])
    page = upload(client, cast, csv_text().encode("cp1252")).content.decode()
    assert 'name="text"' in page and "Ësther Çelik" in page


def row_errors(response):
    return {row.line: row.errors for row in response.context["preview"].rows if row.errors}


def test_every_bad_row_is_named_and_nothing_is_imported(cast, client_for, teams):
    EmployeeFactory(organisation=cast.organisation, pbx_agent_id="9000", name="Bestaand")
    rows = [
        ("Goed Persoon", "4001", "Team Noord", ""),
        ("Dubbel in bestand", "4001", "Team Noord", ""),
        ("Al in organisatie", "9000", "", ""),
        ("Onbekend team", "4004", "Team West", ""),
        ("", "4005", "", ""),
        ("Geen lid", "4006", "", "other-administrator"),
        ("Geen agent", "", "", ""),
    ]
    client = client_for(cast["administrator"])
    response = upload(client, cast, csv_text(rows).encode("utf-8"))
    errors = row_errors(response)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "line 2" in errors[3][0]
    assert "already belongs" in errors[4][0]
    assert "Team West" in errors[5][0]
    assert "name is empty" in errors[6][0]
    assert "not an active member" in errors[7][0]
    assert "agent id is empty" in errors[8][0]
    assert "rows have errors" in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
    # Posting the text anyway imports nothing either.
    response = client.post(import_url(cast), {"confirm": "1", "text": csv_text(rows)})
    assert response.status_code == 200
    assert names(cast) == ["Bestaand"]


def test_a_deactivated_employees_agent_id_may_be_imported_for_a_successor(cast, client_for):
    EmployeeFactory(organisation=cast.organisation, pbx_agent_id="4001", active=False)
    client = client_for(cast["administrator"])
    text = csv_text([("Opvolger", "4001", "", "")])
    response = client.post(import_url(cast), {"confirm": "1", "text": text})
    assert response.status_code == 302
    assert Employee.objects.get(pbx_agent_id="4001", active=True).name == "Opvolger"


def test_one_imported_employee_is_one_employee_in_the_message(cast, client_for):
    client = client_for(cast["administrator"])
    text = csv_text([("Zoë Janssen", "4003", "", "")])
    response = client.post(import_url(cast), {"confirm": "1", "text": text}, follow=True)
    assert "1 employee is imported." in response.content.decode()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"Jan;4001\r\n", "missing: name, agent_id"),
        (b"name;agent_id;afdeling\r\nJan;1;x\r\n", "Unknown columns: afdeling"),
        (b"name;agent_id\r\n", "no employees"),
        (b"PK\x03\x04\x00\x00binary", "not a text file"),
        # UTF-8 names with one Windows-1252 byte pasted in: the encodings are mixed.
        ("name;agent_id\r\nZoë;1\r\n".encode() + b"Andr\xe9;2\r\n", "mixes two"),
        # Bytes Windows-1252 does not define.
        (b"name;agent_id\r\nA\x81\x8d;1\r\n", "not UTF-8 or Windows-1252"),
    ],
    ids=["no-header", "unknown-column", "header-only", "binary", "mixed", "undefined"],
)
def test_an_unreadable_file_says_why(cast, client_for, data, message):
    response = upload(client_for(cast["administrator"]), cast, data)
    assert response.status_code == 400
    assert message in response.context["file_error"]
    assert not Employee.objects.filter(organisation=cast.organisation).exists()


def test_an_empty_file_is_refused_in_the_browser_and_by_the_command(cast, client_for, tmp_path):
    response = upload(client_for(cast["administrator"]), cast, b"")
    assert "file" in response.context["form"].errors
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"\r\n")
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_employees", "--org", "acme", str(path))
    assert not Employee.objects.filter(organisation=cast.organisation).exists()


def test_the_command_dry_run_checks_and_imports_nothing(cast, teams, tmp_path, capsys):
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(csv_text().encode("cp1252"))
    call_command("import_employees", "--org", "acme", str(path), "--dry-run")
    assert "3 employees: valid" in capsys.readouterr().out
    assert not Employee.objects.filter(organisation=cast.organisation).exists()
    call_command("import_employees", "--org", "acme", str(path))
    assert names(cast) == sorted(row[0] for row in ROWS)


def test_the_command_lists_row_errors_and_fails(cast, teams, tmp_path, capsys):
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(csv_text([("A", "1", "Team West", ""), ("B", "1", "", "")]).encode())
    with pytest.raises(CommandError, match="2 of 2 rows have errors"):
        call_command("import_employees", "--org", "acme", str(path))
    err = capsys.readouterr().err
    assert "line 2: There is no team named Team West" in err
    assert "line 3: Agent id 1 is also on line 2" in err
    assert not Employee.objects.filter(organisation=cast.organisation).exists()


def test_the_command_refuses_an_unknown_organisation_and_a_missing_file(cast, tmp_path):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_employees", "--org", "nope", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_employees", "--org", "acme", str(tmp_path / "x.csv"))


def _manage_env(settings) -> dict[str, str]:
    from django.db import connection

    conf = connection.settings_dict
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
def test_the_command_from_a_real_shell(settings, tmp_path):
    """As the README shows it: the exit code tells a script what happened."""
    from organisations.tests.factories import OrganisationFactory

    OrganisationFactory(slug="shell-org")
    path = tmp_path / "medewerkers.csv"
    path.write_bytes("\ufeffname,agent_id\r\nAnna Bakker,5001\r\n".encode())
    env = _manage_env(settings)

    def run(*extra):
        return subprocess.run(
            [sys.executable, "manage.py", "import_employees", "--org", "shell-org", str(path)]
            + list(extra),
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(settings.BASE_DIR),
            timeout=120,
        )

    done = run("--dry-run")
    assert done.returncode == 0, done.stderr
    assert not Employee.objects.filter(organisation__slug="shell-org").exists()
    done = run()
    assert done.returncode == 0, done.stderr
    assert Employee.objects.get(organisation__slug="shell-org").pbx_agent_id == "5001"
    done = run()
    assert done.returncode == 1
    assert "line 2: " in done.stderr
    assert Employee.objects.filter(organisation__slug="shell-org").count() == 1
