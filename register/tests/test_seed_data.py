"""register.seed_data against the seed documents it was transcribed from.

Plain pytest, no database and no Django settings: only the TextChoices are imported.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from organisations.constants import Role
from register.constants import DataCategory, LegalBasis, RecipientKind, RetentionUnit
from register.seed_data import ORGANISATIONS

RVO_SEED = "000_*.txt"
TBI_SEED = "003_*.txt"

# How the Dutch register words each legal basis.
LEGAL_BASIS_LABELS = {
    "Toestemming": LegalBasis.CONSENT,
    "Uitvoering overeenkomst": LegalBasis.CONTRACT,
    "Wettelijke verplichting": LegalBasis.LEGAL_OBLIGATION,
    "Vitaal belang": LegalBasis.VITAL_INTERESTS,
    "Taak van algemeen belang": LegalBasis.PUBLIC_TASK,
    "Gerechtvaardigd belang": LegalBasis.LEGITIMATE_INTEREST,
}
LABEL_FOR_BASIS = {basis: label for label, basis in LEGAL_BASIS_LABELS.items()}

# The labels of the entries table, printed in blocks apart from their values.
ENTRY_LABELS = frozenset(
    {"Betrokkene(n)", "Persoonsgegevens", "Verzameldoel", "Bewaartermijn", "Bron", "Aanleverplicht"}
)
# The text fields of a data-subject entry, in the order the register prints them.
ENTRY_TEXT_FIELDS = (
    "subject_category",
    "personal_data",
    "collection_purpose",
    "retention_text",
    "source",
    "mandatory_supply_text",
)


def normalise(text: str) -> str:
    return " ".join(text.split())


def seeds_dir() -> Path:
    candidates = [Path(__file__).resolve().parents[3] / "shared" / "seeds"]
    if os.environ.get("EARSHOT_SHARED_DIR"):
        candidates.append(Path(os.environ["EARSHOT_SHARED_DIR"]) / "seeds")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    pytest.fail(
        "Seed documents not found; looked in "
        + ", ".join(str(c) for c in candidates)
        + ". Set EARSHOT_SHARED_DIR to the directory that holds seeds/."
    )


@cache
def _read_seed(pattern: str) -> str:
    directory = seeds_dir()
    matches = sorted(directory.glob(pattern))
    if len(matches) != 1:
        pytest.fail(f"Expected exactly one seed matching {pattern} in {directory}, got {matches}")
    return normalise(matches[0].read_text(encoding="utf-8"))


def seed(pattern: str) -> str:
    return _read_seed(pattern)


def section(text: str, start: str, end: str) -> str:
    """The text strictly between two headings."""
    assert start in text, f"heading {start!r} missing from the seed"
    after = text.split(start, 1)[1]
    assert end in after, f"heading {end!r} missing from the seed after {start!r}"
    return after.split(end, 1)[0].strip()


def rvo_entry_values() -> str:
    """The entries table with its label blocks taken out: the values, in order, rejoined across
    the page break that splits one collection purpose."""
    table = section(seed(RVO_SEED), "Betrokkenen en gegevens", "Automatische besluitvorming")
    return " ".join(token for token in table.split() if token not in ENTRY_LABELS)


def org(slug: str) -> dict:
    (found,) = [o for o in ORGANISATIONS if o["slug"] == slug]
    return found


def rvo() -> dict:
    (activity,) = org("rvo-klantcontact")["activities"]
    return activity


def tbi() -> dict:
    (activity,) = org("tbi-direct")["activities"]
    return activity


def all_activities():
    for organisation in ORGANISATIONS:
        yield from organisation["activities"]


# --- the seeds are there ----------------------------------------------------------------------


def test_seed_documents_are_found():
    assert "M10495" in seed(RVO_SEED)
    assert "TBI Direct/Telecontrol" in seed(TBI_SEED)


# --- RVO M10495 ---------------------------------------------------------------------------------


def test_rvo_counts():
    activity = rvo()
    assert activity["reference"] == "M10495"
    assert f"Referentienummer {activity['reference']}" in seed(RVO_SEED)
    assert len(activity["purposes"]) == 9
    entries = activity["data_subject_entries"]
    assert len(entries) == 7
    employees = [e for e in entries if e["subject_category"].startswith("Medewerkers van RVO")]
    customers = [e for e in entries if e["subject_category"].startswith("Klanten van RVO")]
    assert len(employees) == 5
    assert len(customers) == 2
    # The first five are about employees, the last two about customers, as in the register.
    assert entries[:5] == employees and entries[5:] == customers


def test_rvo_texts_occur_in_seed():
    text = seed(RVO_SEED)
    # One collection purpose is split by a page break (label blocks fall in between); it
    # occurs in the entries table once the label blocks are taken out.
    haystack = text + " | " + rvo_entry_values()
    activity = rvo()
    for purpose in activity["purposes"]:
        assert normalise(purpose["description"]) in text, purpose["code"]
        assert normalise(purpose["legal_basis_note"]) in text, purpose["code"]
    for position, entry in enumerate(activity["data_subject_entries"], start=1):
        for field in ENTRY_TEXT_FIELDS:
            assert normalise(entry[field]) in haystack, f"entry {position}: {field}"
    for recipient in activity["recipients"]:
        assert normalise(recipient["name"]) in text, recipient["name"]
    for field in (
        "name",
        "description",
        "controller_name",
        "automated_decision_making",
        "transfer_outside_eu",
        "related_processing",
    ):
        assert normalise(activity[field]) in text, field
    # The organisation and the addresses keep the register's lines, never joined with commas.
    assert f"Organisatie {normalise(activity['published_organisation'])} Referentienummer" in text
    for field in (
        "published_organisation",
        "controller_visiting_address",
        "controller_postal_address",
    ):
        assert "," not in activity[field] and "\n" in activity[field], field
    assert f"Bezoekadres {normalise(activity['controller_visiting_address'])} Postadres" in text
    assert f"Postadres {normalise(activity['controller_postal_address'])} Gerelateerde" in text


def test_rvo_purposes_reconstruct_the_seed_in_order():
    """Description, legal basis and its explanation, purpose after purpose, give back exactly
    the register's 'Doelen van de verwerking'."""
    expected = section(seed(RVO_SEED), "Doelen van de verwerking", "Betrokkenen en gegevens")
    parts = []
    for purpose in rvo()["purposes"]:
        parts.append(purpose["description"])
        label = LABEL_FOR_BASIS[purpose["legal_basis"]]
        if purpose["legal_basis_note"]:
            parts.append(f"{label}. {purpose['legal_basis_note']}")
        else:
            parts.append(label)
    assert normalise(" ".join(parts)) == expected


def test_rvo_legal_bases_match_seed():
    text = seed(RVO_SEED)
    for purpose in rvo()["purposes"]:
        after = text.split(normalise(purpose["description"]), 1)[1].lstrip()
        labels = [label for label in LEGAL_BASIS_LABELS if after.startswith(label)]
        assert len(labels) == 1, f"{purpose['code']}: no legal basis follows in the seed"
        assert purpose["legal_basis"] == LEGAL_BASIS_LABELS[labels[0]], purpose["code"]
        rest = after[len(labels[0]) :]
        if purpose["legal_basis_note"]:
            assert rest.startswith(". " + purpose["legal_basis_note"]), purpose["code"]
        else:
            assert not rest.startswith("."), purpose["code"]

    by_code = {p["code"]: p["legal_basis"] for p in rvo()["purposes"]}
    assert rvo()["purposes"][0]["legal_basis"] == LegalBasis.CONTRACT
    assert by_code["archiving"] == LegalBasis.LEGAL_OBLIGATION
    for code in ("audit-accountability", "management-information", "research-statistics"):
        assert by_code[code] == LegalBasis.PUBLIC_TASK, code
    rest = set(by_code) - {
        rvo()["purposes"][0]["code"],
        "archiving",
        "audit-accountability",
        "management-information",
        "research-statistics",
    }
    assert len(rest) == 4
    for code in rest:
        assert by_code[code] == LegalBasis.LEGITIMATE_INTEREST, code


def test_rvo_entries_reconstruct_the_seed_table_in_order():
    """With the label blocks taken out, the table's values are exactly the seven entries' text
    fields in register order: each value sits in the right entry and the right field."""
    data = " ".join(
        normalise(entry[field])
        for entry in rvo()["data_subject_entries"]
        for field in ENTRY_TEXT_FIELDS
    )
    assert data == rvo_entry_values()


def test_rvo_28_day_entries_are_those_the_seed_says():
    entries = rvo()["data_subject_entries"]
    for position, entry in enumerate(entries, start=1):
        says_28_days = "28 dagen" in entry["retention_text"]
        is_28_days = (
            entry["retention_value"] == 28 and entry["retention_unit"] == RetentionUnit.DAYS
        )
        assert says_28_days == is_28_days, f"entry {position}"
        if says_28_days:
            assert entry["data_category"] == DataCategory.RECORDING, f"entry {position}"
        else:
            # Selectielijst: no number in the seed; 7 years is the demo's assumption.
            assert "Selectielijst" in entry["retention_text"], f"entry {position}"
            assert (entry["retention_value"], entry["retention_unit"]) == (
                7,
                RetentionUnit.YEARS,
            )
    in_seed = rvo_entry_values().count("28 dagen")
    assert sum(e["retention_value"] == 28 for e in entries) == in_seed == 4


def test_rvo_entries_mandatory_supply():
    for entry in rvo()["data_subject_entries"]:
        assert entry["mandatory_supply"] is False
        assert (
            entry["mandatory_supply_text"]
            == "Betrokkenen waren niet verplicht deze gegevens aan te leveren."
        )


def test_rvo_recipients_reconstruct_the_seed():
    expected = section(seed(RVO_SEED), "Ontvangers", "Doorgifte buiten EU")
    recipients = rvo()["recipients"]
    assert normalise(" ".join(r["name"] for r in recipients)) == expected
    assert [(r["kind"], r["role"]) for r in recipients] == [
        (RecipientKind.INTERNAL_ROLE, Role.EMPLOYEE),
        (RecipientKind.INTERNAL_ROLE, Role.COACH),
        (RecipientKind.INTERNAL_ROLE, Role.MANAGER),
        (RecipientKind.OUTSIDE_PARTY, ""),
        (RecipientKind.PROCESSOR, ""),
    ]


# --- TBI Direct / Telecontrol ---------------------------------------------------------------


def test_tbi_retention_is_62_days():
    text = seed(TBI_SEED)
    assert "De bewaartermijn van de gespreksopnames is 62 dagen." in text
    entries = tbi()["data_subject_entries"]
    assert entries
    for entry in entries:
        assert entry["retention_value"] == 62
        assert entry["retention_unit"] == RetentionUnit.DAYS
        assert normalise(entry["retention_text"]) in text


def test_tbi_purposes_follow_the_policy():
    text = seed(TBI_SEED)
    activity = tbi()
    assert normalise(activity["description"]) in text
    for purpose in activity["purposes"]:
        assert normalise(purpose["description"]) in text, purpose["code"]
        assert normalise(purpose["legal_basis_note"]) in text, purpose["code"]
        assert "rechtmatig belang" in purpose["legal_basis_note"]
        assert purpose["legal_basis"] == LegalBasis.LEGITIMATE_INTEREST, purpose["code"]
    assert (
        "3 willekeurig gekozen gesprekken per medewerker" in activity["purposes"][0]["description"]
    )


# --- both organisations -----------------------------------------------------------------------


def test_organisations_are_distinct():
    slugs = [o["slug"] for o in ORGANISATIONS]
    assert slugs == ["rvo-klantcontact", "tbi-direct"]
    for organisation in ORGANISATIONS:
        assert organisation["name"]
        assert organisation["timezone"] == "Europe/Amsterdam"
        references = [a["reference"] for a in organisation["activities"]]
        assert len(references) == len(set(references))


def test_purpose_codes_unique_and_slug_like():
    for activity in all_activities():
        codes = [p["code"] for p in activity["purposes"]]
        assert len(codes) == len(set(codes)), activity["reference"]
        for code in codes:
            assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code), code
            assert len(code) <= 64, code


def test_field_lengths_and_types():
    for activity in all_activities():
        assert 0 < len(activity["reference"]) <= 50
        assert 0 < len(activity["name"]) <= 300
        for purpose in activity["purposes"]:
            assert purpose["description"].strip()
        for entry in activity["data_subject_entries"]:
            assert type(entry["retention_value"]) is int and entry["retention_value"] >= 1
            assert type(entry["mandatory_supply"]) is bool
            for field in ("subject_category", "personal_data", "collection_purpose"):
                assert entry[field].strip(), field
        for recipient in activity["recipients"]:
            assert recipient["name"].strip()


def test_choice_values_are_valid():
    for activity in all_activities():
        for purpose in activity["purposes"]:
            assert purpose["legal_basis"] in LegalBasis.values
        for entry in activity["data_subject_entries"]:
            assert entry["data_category"] in DataCategory.values
            assert entry["retention_unit"] in RetentionUnit.values
        for recipient in activity["recipients"]:
            assert recipient["kind"] in RecipientKind.values
            if recipient["kind"] == RecipientKind.INTERNAL_ROLE:
                assert recipient["role"] in Role.values, recipient["name"]
            else:
                assert recipient["role"] == "", recipient["name"]
