"""The register exported as JSON, CSV and PDF, and the loaded RVO entry against its seed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from register.document import activity_document
from register.models import ProcessingActivity
from register.seed_data import ORGANISATIONS
from register.tests.helpers import small_register
from register.tests.test_seed_data import (
    ENTRY_TEXT_FIELDS,
    LABEL_FOR_BASIS,
    RVO_SEED,
    normalise,
    rvo_entry_values,
    section,
    seed,
)

pytestmark = pytest.mark.django_db


def _export(client, fmt: str, language: str = "en"):
    return client.get(
        reverse("register:export", kwargs={"org_slug": "acme", "fmt": fmt}),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_json_export_holds_the_register_and_its_evidence(cast, client_for):
    small_register(cast.organisation, retention_days=28)
    response = _export(client_for(cast["privacy_officer"]), "json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="register-acme-')
    document = json.loads(response.content)
    (activity,) = document["activities"]
    assert activity["reference"] == "R1"
    assert [p["code"] for p in activity["purposes"]] == ["coaching", "misconduct"]
    assert activity["data_subject_entries"][0]["retention_value"] == 28
    labels = {line["label"]: line for line in document["evidence"]}
    assert labels["Recording policy acknowledged"]["ok"] is False
    assert labels["Recording retention declared"]["value"] == "28 days"
    event = AuditEvent.objects.get(action="register.exported")
    assert event.detail == {"format": "json"}
    assert event.actor_id == cast["privacy_officer"].pk


def test_csv_export_opens_as_a_table_with_every_value(cast, client_for):
    small_register(cast.organisation)
    response = _export(client_for(cast["auditor"]), "csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the accents as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["section", "reference", "line", "field", "value"]
    assert ["purposes", "R1", "2", "code", "misconduct"] in rows
    assert ["data_subject_entries", "R1", "1", "retention_value", "28"] in rows
    assert ["activity", "R1", "", "recorded_customer_fields", "phone"] in rows
    assert any(row[0] == "evidence" and row[3] == "ok" and row[4] == "false" for row in rows)


FORMULAS = {
    '=HYPERLINK("http://evil.example","klik")': "name",
    "+1+1": "description",
    "-2+3": "legal_basis_note",
    "@SUM(A1:A9)": "retention_text",
    "\t=1+1": "personal_data",
    "\r=1+1": "subject_category",
}


def test_csv_export_neutralises_spreadsheet_formulas(cast, client_for):
    """A value a spreadsheet would run as a formula starts with a single quote (OWASP)."""
    activity = small_register(cast.organisation)
    activity.name = '=HYPERLINK("http://evil.example","klik")'
    activity.description = "+1+1"
    activity.save()
    purpose = activity.purposes.get(code="coaching")
    purpose.legal_basis_note = "-2+3"
    purpose.save()
    entry = activity.data_subject_entries.get()
    entry.retention_text = "@SUM(A1:A9)"
    entry.personal_data = "\t=1+1"
    entry.subject_category = "\r=1+1"
    entry.save()
    response = _export(client_for(cast["auditor"]), "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    for formula, field in FORMULAS.items():
        values = [row[4] for row in rows if row[3] == field]
        assert "'" + formula in values and formula not in values, field
    # Plain numbers stay numbers.
    assert ["data_subject_entries", "R1", "1", "retention_value", "28"] in rows


def test_pdf_export_is_a_pdf_of_the_register_in_the_language_of_the_page(cast, client_for):
    small_register(cast.organisation)
    client = client_for(cast["privacy_officer"])
    response = _export(client, "pdf", language="nl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = normalise(text)
    assert "Verwerkingsregister" in text
    assert "Gespreksopname (R1)" in text
    assert "Gerechtvaardigd belang" in text  # the legal basis as the Dutch register words it
    assert "Uiterlijk 28 dagen na de opnamedatum." in text
    assert "AFWIJKING" in text  # no policy published: shown as a mismatch
    english = normalise(
        " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(_export(client, "pdf").content)).pages
        )
    )
    assert "Processing register" in english and "Legitimate interest" in english


def test_unknown_formats_and_other_organisations_get_nothing(cast, client_for):
    small_register(cast.organisation)
    assert _export(client_for(cast["privacy_officer"]), "xlsx").status_code == 404
    assert _export(client_for(cast.outsider), "json").status_code == 404
    assert _export(client_for(cast["coach"]), "json").status_code == 403
    assert not AuditEvent.objects.filter(action="register.exported").exists()


# --- the loaded demo against the seed document -------------------------------------------------


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


def test_the_loaded_rvo_entry_is_the_seed_field_for_field(settings):
    settings.DEMO = True
    call_command("loaddemo", "--without-history")
    loaded = activity_document(ProcessingActivity.objects.get(reference="M10495"))
    (spec,) = [o for o in ORGANISATIONS if o["slug"] == "rvo-klantcontact"]
    (transcribed,) = spec["activities"]
    # Every field the transcription holds came through loading unchanged.
    for field, value in transcribed.items():
        if field in ("purposes", "data_subject_entries", "recipients"):
            rows = [{k: _plain(v) for k, v in row.items()} for row in value]
            pairs = zip(loaded[field], rows, strict=True)
            got = [{k: row[k] for k in seed_row} for row, seed_row in pairs]
            assert got == rows, field
        else:
            assert loaded[field] == _plain(value), field
    assert len(loaded["purposes"]) == 9 and len(loaded["data_subject_entries"]) == 7

    # And read straight against the seed: the purposes section and the entries table.
    parts = []
    for purpose in loaded["purposes"]:
        label = LABEL_FOR_BASIS[purpose["legal_basis"]]
        parts.append(purpose["description"])
        note = purpose["legal_basis_note"]
        parts.append(f"{label}. {note}" if note else label)
    expected = section(seed(RVO_SEED), "Doelen van de verwerking", "Betrokkenen en gegevens")
    assert normalise(" ".join(parts)) == expected
    table = " ".join(
        normalise(entry[field])
        for entry in loaded["data_subject_entries"]
        for field in ENTRY_TEXT_FIELDS
    )
    assert table == rvo_entry_values()


# --- the register's own words beside the codes ------------------------------------------------


def test_json_and_csv_carry_the_registers_words_in_the_language_of_the_page(cast, client_for):
    small_register(cast.organisation)
    client = client_for(cast["privacy_officer"])
    dutch = json.loads(_export(client, "json", language="nl").content)
    assert dutch["language"] == "nl"
    coaching, misconduct = dutch["activities"][0]["purposes"]
    assert coaching["legal_basis"] == "legitimate_interest"  # the code stays, for machines
    assert coaching["legal_basis_label"] == "Gerechtvaardigd belang"
    # As the register writes it: the basis, its full stop, then the explanation.
    assert coaching["legal_basis_words"] == "Gerechtvaardigd belang. Kwaliteitsverbetering."
    assert misconduct["legal_basis_words"] == "Gerechtvaardigd belang"
    entry = dutch["activities"][0]["data_subject_entries"][0]
    assert entry["retention_unit_label"] == "dagen"
    recipient = dutch["activities"][0]["recipients"][0]
    assert recipient["role_label"] == "Coach"
    english = json.loads(_export(client, "json").content)
    assert english["activities"][0]["purposes"][0]["legal_basis_words"] == (
        "Legitimate interest. Kwaliteitsverbetering."
    )
    text = _export(client, "csv", language="nl").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert ["purposes", "R1", "1", "legal_basis", "legitimate_interest"] in rows
    assert [
        "purposes",
        "R1",
        "1",
        "legal_basis_words",
        "Gerechtvaardigd belang. Kwaliteitsverbetering.",
    ] in rows


def test_the_rvo_export_words_the_legal_bases_as_the_published_entry(cast, client_for):
    from register.services import activity_create

    (spec,) = [o for o in ORGANISATIONS if o["slug"] == "rvo-klantcontact"]
    activity_create(organisation=cast.organisation, actor=None, **spec["activities"][0])
    response = _export(client_for(cast["privacy_officer"]), "json", language="nl")
    (activity,) = json.loads(response.content)["activities"]
    parts = []
    for purpose in activity["purposes"]:
        parts += [purpose["description"], purpose["legal_basis_words"]]
    expected = section(seed(RVO_SEED), "Doelen van de verwerking", "Betrokkenen en gegevens")
    assert normalise(" ".join(parts)) == expected
