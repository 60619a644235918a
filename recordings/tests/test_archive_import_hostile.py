# ruff: noqa: F811 (the fixtures of test_archive_import, imported by name)
"""`manage.py import` against hostile archives and careless options: a clear message, nothing
changed that should not be, never a traceback."""

from __future__ import annotations

import csv
import errno
import os

import pytest

from recordings.archive_models import ArchiveImport
from recordings.models import Recording
from recordings.tests.test_archive_import import (  # noqa: F401 (fixtures)
    archive,
    audio_dir,
    call,
    org,
    run_import,
    snapshot,
    wav,
)

# The report ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_holds_no_formula_a_spreadsheet_would_run(org, archive, tmp_path):
    # File names are chosen by whoever filled the archive; the report is opened in a spreadsheet.
    wav(archive / "=HYPERLINK(1).wav", 1)
    wav(archive / "@SUM(1+1).wav", 2)
    report = tmp_path / "refused.csv"

    run_import("--organisation", "acme", str(archive), "--report", str(report))

    with report.open(encoding="utf-8") as f:
        paths = sorted(row["path"] for row in csv.DictReader(f))
    assert paths == ["'=HYPERLINK(1).wav", "'@SUM(1+1).wav"]


@pytest.mark.django_db
def test_a_report_inside_the_archive_is_refused_and_the_archive_left_alone(org, archive):
    call(archive, "a", 1)
    wav(archive / "no-metadata.wav", 2)
    before = snapshot(archive)

    for target in (archive / "a.wav", archive / "new-report.csv"):
        output, code = run_import("--organisation", "acme", str(archive), "--report", str(target))

        assert code == 2, output
        assert "inside the archive" in output
        assert snapshot(archive) == before
        assert Recording.objects.count() == 0
        assert ArchiveImport.objects.count() == 0


@pytest.mark.django_db
def test_a_report_over_a_file_that_is_not_a_report_is_refused(org, archive, tmp_path):
    call(archive, "a", 1)
    wav(archive / "no-metadata.wav", 2)
    precious = tmp_path / "notes.txt"
    precious.write_text("do not lose me\n", encoding="utf-8")

    output, code = run_import("--organisation", "acme", str(archive), "--report", str(precious))

    assert code == 2, output
    assert "not a report" in output
    assert precious.read_text(encoding="utf-8") == "do not lose me\n"
    assert Recording.objects.count() == 0


@pytest.mark.django_db
def test_a_previous_report_is_replaced(org, archive, tmp_path):
    wav(archive / "no-metadata.wav", 1)
    report = tmp_path / "refused.csv"
    run_import("--organisation", "acme", str(archive), "--report", str(report))
    (archive / "no-metadata.wav").unlink()
    wav(archive / "other.wav", 2)
    report.chmod(0o644)  # e.g. copied or touched by its reader

    output, code = run_import("--organisation", "acme", str(archive), "--report", str(report))

    assert code == 1, output
    with report.open(encoding="utf-8") as f:
        assert [row["path"] for row in csv.DictReader(f)] == ["other.wav"]
    assert oct(report.stat().st_mode & 0o777) == "0o600"  # paths may hold phone numbers


@pytest.mark.django_db
def test_a_report_that_cannot_be_written_stops_before_importing(org, archive, tmp_path):
    call(archive, "a", 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")

    output, code = run_import(
        "--organisation", "acme", str(archive), "--report", str(blocker / "refused.csv")
    )

    assert code == 2, output
    assert "cannot write the report" in output
    assert "Traceback" not in output
    assert Recording.objects.count() == 0
    assert ArchiveImport.objects.count() == 0  # no unfinished run left to resume


# File names ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_control_characters_in_file_names_do_not_reach_the_terminal(org, archive):
    # A name may hold a newline or a terminal escape (clear the screen, rewrite a line).
    wav(archive / "evil\x1b[2J\nImported: 999.wav", 1)

    output, code = run_import("--organisation", "acme", str(archive))

    assert code == 1, output
    assert "\x1b" not in output
    assert not [line for line in output.splitlines() if line.startswith("Imported: 999")]
    assert "evil\\x1b[2J\\nImported: 999.wav" in output  # still recognisable


# Folders ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_subfolder_that_cannot_be_read_is_refused_and_the_rest_imported(
    org, archive, monkeypatch
):
    call(archive, "a", 1)
    call(archive / "locked", "b", 2)
    call(archive / "open", "c", 3)
    locked = str(archive / "locked")
    # chmod 000 does not stop root, who runs the tests here: the error a reader other than root
    # gets from the folder.
    real_scandir = os.scandir

    def scandir(path):
        if str(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("recordings.archive_files.os.scandir", scandir)

    output, code = run_import("--organisation", "acme", str(archive))

    assert code == 1, output
    assert "Traceback" not in output
    assert sorted(Recording.objects.values_list("call_id", flat=True)) == ["a", "c"]
    assert "locked: " in output
    assert "Permission denied" in output
    assert ArchiveImport.objects.get().finished_at is not None


@pytest.mark.django_db
def test_a_name_that_is_not_utf8_and_its_escaped_spelling_are_two_files(org, archive):
    # b"x\xff.wav" is shown as "x\\xff.wav"; a file may be named exactly that.
    for n, name in enumerate((b"x\xff", b"x\\xff")):
        stem = os.fsdecode(name)
        call(archive, stem, n, call_id=f"call-{n}")

    output, code = run_import("--organisation", "acme", str(archive))

    assert code == 0, output
    assert "Imported: 2" in output
    assert sorted(Recording.objects.values_list("call_id", flat=True)) == ["call-0", "call-1"]
