"""The redaction detectors on realistic Dutch call text: what they propose and, as much, what they
must leave alone (near-misses). Plain functions: no database needed."""

from __future__ import annotations

import datetime
import threading
import time
from pathlib import Path

import polib
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.constants import RedactionKind
from transcripts.detectors import DETECTORS, Known, Proposal, deduce_text, propose

KNOWN = Known(
    names=("Sanne de Groot", "Pieter van der Berg"),
    addresses=("Kerkstraat 12a", "3511 AB Utrecht"),
    postcodes=("3511 AB",),
    phones=("+31612345678",),
)


def anonymised(text: str, known: Known | None = None) -> str:
    """The text as the customer would get it with every proposal accepted."""
    parts, last = [], 0
    for proposal in propose(text, known):
        parts += [text[last : proposal.start], f"[{RedactionKind(proposal.kind).name}]"]
        last = proposal.end
    return "".join(parts) + text[last:]


def found(text: str, known: Known | None = None, *, only: str = "") -> list[tuple[str, str]]:
    """(proposed text, detector code) pairs; `only` keeps one detector's."""
    return [
        (text[p.start : p.end], p.detector)
        for p in propose(text, known)
        if not only or p.detector == only
    ]


# A customer calls about a delivery; the agent (Sanne) takes his details. One string per utterance.
CALL = [
    (
        "Goedemiddag, u spreekt met Sanne de Groot van de klantenservice, waarmee spreek ik?",
        "Goedemiddag, u spreekt met [NAME] van de klantenservice, waarmee spreek ik?",
    ),
    (
        "Met Pieter van der Berg. Ik bel over mijn bestelling, ordernummer 123456, die niet is "
        "bezorgd.",
        "Met [NAME]. Ik bel over mijn bestelling, ordernummer 123456, die niet is bezorgd.",
    ),
    (
        "Dat is vervelend, meneer Van der Berg. Wat is uw postcode en huisnummer?",
        "Dat is vervelend, [NAME]. Wat is uw postcode en huisnummer?",
    ),
    (
        "3511 AB, nummer 12a. Dus Kerkstraat 12a in Utrecht.",
        "[POSTCODE], nummer 12a. Dus [ADDRESS] in [ADDRESS].",
    ),
    (
        "Mijn mobiel is 06-12345678, of op het werk 020 123 4567.",
        "Mijn mobiel is [PHONE], of op het werk [PHONE].",
    ),
    (
        "Mijn BSN is 123 456 782, maar dat hoeft niet. Mijn IBAN is NL91 ABNA 0417 1643 00.",
        "Mijn BSN is [BSN], maar dat hoeft niet. Mijn IBAN is [IBAN].",
    ),
    (
        "En uw e-mailadres? Dat is pieter.vd.berg+bestelling@example.nl.",
        "En uw e-mailadres? Dat is [EMAIL].",
    ),
    (
        "Voor de controle: wat is uw geboortedatum? Ik ben geboren op 12 maart 1980.",
        "Voor de controle: wat is uw geboortedatum? Ik ben geboren op [DATE_OF_BIRTH].",
    ),
    (
        "Dank u. De bezorging was gepland op 14 maart 2026, ik maak een nieuwe afspraak op "
        "18 maart 2026 om 14:30.",
        "Dank u. De bezorging was gepland op 14 maart 2026, ik maak een nieuwe afspraak op "
        "18 maart 2026 om 14:30.",
    ),
    (
        "Het gaat om artikel 1234AB-7, de koffiezetter type 2000XL van € 89,95.",
        "Het gaat om artikel 1234AB-7, de koffiezetter type 2000XL van € 89,95.",
    ),
    (
        "Kunt u het ook bij de buren afgeven, de familie Jansen op de Dorpsweg 14 in Zeist?",
        "Kunt u het ook bij de buren afgeven, de familie [NAME] op de [ADDRESS] in [ADDRESS]?",
    ),
]


@pytest.mark.parametrize(("said", "sent"), CALL)
def test_a_customer_call_is_anonymised_utterance_by_utterance(said, sent):
    assert anonymised(said, KNOWN) == sent


def test_each_detector_shows_which_one_proposed_it():
    text = " ".join(said for said, _sent in CALL)
    by_text = dict(found(text, KNOWN))
    assert by_text["Sanne de Groot"] == "known-name"
    assert by_text["3511 AB"] == "known-postcode"
    assert by_text["Kerkstraat 12a"] == "known-address"
    assert by_text["06-12345678"] == "known-phone"
    assert by_text["020 123 4567"] == "phone"
    assert by_text["123 456 782"] == "bsn"
    assert by_text["NL91 ABNA 0417 1643 00"] == "iban"
    assert by_text["pieter.vd.berg+bestelling@example.nl"] == "email"
    assert by_text["12 maart 1980"] == "date-of-birth"
    assert by_text["Jansen"] == "deduce-name"
    assert by_text["Dorpsweg 14"] == "deduce-address"
    assert by_text["Zeist"] == "deduce-place"
    assert set(by_text.values()) <= set(DETECTORS)


def test_without_known_details_the_validated_detectors_still_find_the_numbers():
    text = "Postcode 1234 AB, telefoon 06 12 34 56 78, mail jan@example.nl."
    assert found(text) == [
        ("1234 AB", "postcode"),
        ("06 12 34 56 78", "phone"),
        ("jan@example.nl", "email"),
    ]


# BSN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bsn", ["123456782", "123 456 782", "123.456.782", "1234 56 782"])
def test_a_bsn_that_passes_the_elfproef_is_proposed_in_the_spacings_people_use(bsn):
    assert found(f"Mijn burgerservicenummer is {bsn}.") == [(bsn, "bsn")]


@pytest.mark.parametrize(
    "text",
    [
        "Mijn BSN is 123456789.",  # nine digits failing the elfproef
        "Mijn BSN is 123 456 789.",
        "Het kenmerk is 1234567820.",  # a valid BSN inside a ten-digit number
        "Het kenmerk is 12345678.",  # eight digits
        "Zending 9123456782 is onderweg.",
        "Factuur A123456782 staat open.",
    ],
)
def test_nine_digits_that_are_no_bsn_are_left_alone(text):
    assert [d for _t, d in found(text)] == []


# Phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 12 34 56 78",
        "0612345678",
        "020-1234567",
        "020 123 4567",
        "(020) 123 45 67",
        "+31 6 12345678",
        "+31 (0)6 12345678",
        "+31(0)20-1234567",
        "0031 6 12345678",
        "0031 20 123 4567",
        "0900-1234567",
        "088-1234567",
        "+32 470 12 34 56",
    ],
)
def test_phone_numbers_in_every_form_people_type_them(number):
    assert found(f"U kunt mij bellen op {number} na vijf uur.") == [(number, "phone")]


@pytest.mark.parametrize(
    "text",
    [
        "Uw ordernummer is 123456.",
        "Bel 06-1234567 maar.",  # one digit short
        "Het bedrag is € 1.234.567.",
        "Ik bel om 14:30 terug.",
        "Referentie 0123456789.",  # no such area code
    ],
)
def test_numbers_that_are_no_valid_phone_number_are_left_alone(text):
    assert found(text) == []


# IBAN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91 abna 0417 1643 00",
        "nl91abna0417164300",
    ],
)
def test_an_iban_with_valid_check_digits_is_proposed_with_or_without_spaces(iban):
    assert found(f"Mijn rekening is {iban} op naam van mij.") == [(iban, "iban")]


def test_an_iban_with_wrong_check_digits_is_left_alone():
    assert found("Mijn rekening is NL91ABNA0417164301, of NL92 ABNA 0417 1643 00.") == []


def test_a_foreign_iban_is_found_too():
    assert found("Het is DE89 3704 0044 0532 0130 00.") == [("DE89 3704 0044 0532 0130 00", "iban")]


# Postcodes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,postcode",
    [
        ("Ik woon in 1234 AB, bij het station.", "1234 AB"),
        ("Ik woon in 1234AB.", "1234AB"),
        ("Ik woon in 1234ab.", "1234ab"),
        ("De postcode is 1234 ab.", "1234 ab"),
        ("Postcode: 9999 ZZ", "9999 ZZ"),
    ],
)
def test_postcodes_with_and_without_the_space(text, postcode):
    assert found(text) == [(postcode, "postcode")]


@pytest.mark.parametrize(
    "text",
    [
        "Het gaat om artikel 1234AB-7.",  # a product code
        "De koffiezetter type 2000XL is stuk.",
        "Model 3000 GT, serie 1234 AB.",
        "Onderdeel X-1234AB ontbreekt.",
        "Code 12345AB of 1234ABC.",
        "Het pakket weegt 1500 kg, de fles is 2000ml, de schijf 1200 GB.",
        "In 2024 is de prijs gestegen, in 1980 en daarna niet.",
        "Dat was 0123 AB.",  # no postcode starts with 0
        "1234 SS en 1234 SA en 1234 SD",  # letter pairs PostNL does not use
        "Wij zijn sinds 2019 BV en leveren in 2024 NL-breed.",
    ],
)
def test_things_that_look_like_a_postcode_are_left_alone(text):
    assert [d for _t, d in found(text)] == []


# E-mail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["user@example.nl", "Jan.de.Vries@Example.NL", "p.vd.berg+bestelling@mail.example.com"],
)
def test_e_mail_addresses(address):
    assert found(f"Stuur het naar {address}, graag.") == [(address, "email")]


def test_things_with_an_at_sign_that_are_no_address_are_left_alone():
    assert found("Kijk op @klantenservice, of mail naar info@localhost of a@b.") == []


# Dates of birth -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,date",
    [
        ("Ik ben geboren op 12 maart 1980.", "12 maart 1980"),
        ("Geboortedatum: 12-03-1980", "12-03-1980"),
        ("Mijn geboortedatum is 1 januari 1975.", "1 januari 1975"),
        ("Mijn geboortedatum is, eh, 1 jan. 1975.", "1 jan. 1975"),
        ("geb. 03-04-'80", "03-04-'80"),
        ("Date of birth 3/4/1980.", "3/4/1980"),
        ("Born on March 3, 1980.", "March 3, 1980"),
        ("DOB: 1980-03-12", "1980-03-12"),
        ("Ik ben van 12 maart 1980.", "12 maart 1980"),
        ("Mijn geboortedatum? Dat is 12 maart 1980.", "12 maart 1980"),
    ],
)
def test_a_date_said_as_a_date_of_birth(text, date):
    assert found(text) == [(date, "date-of-birth")]


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb een afspraak op 12 maart 2026.",
        "De bezorging is op 14-03-2026 tussen 9 en 12.",
        "Ik ben geboren in Utrecht en verhuisde op 1 januari 1990.",
        "Geboren? Ja. Afspraak 12-03-2026.",  # the cue is in another sentence
        "Uw geboortedatum? Ik heb nu een afspraak op 12 maart 1990.",
        "Mijn geboortedatum is 31-02-1980.",  # no such date
        "Geboren op 12-03-2099.",  # not yet
        "Uw bestelling van 12 maart 1980 euro.",
    ],
)
def test_other_dates_are_left_alone(text):
    assert found(text, only="date-of-birth") == []


def test_a_date_said_alone_long_ago_answers_the_question_before_it():
    assert found("12 maart 1980.") == [("12 maart 1980", "date-of-birth")]
    assert found("Eh, dat is 03-04-1975") == [("03-04-1975", "date-of-birth")]
    assert found("14 maart 2026.") == []  # near: an appointment or a delivery
    assert found("Ik ben klant sinds 1 januari 1990.") == []


def test_the_known_date_of_birth_in_any_written_form():
    known = Known(dates_of_birth=(datetime.date(1980, 3, 12), "1975-01-01"))
    text = "Klopt 12-3-1980? En 1 jan 1975, maar niet 13-03-1980 of 12 maart 2026."
    assert found(text, known) == [
        ("12-3-1980", "known-date-of-birth"),
        ("1 jan 1975", "known-date-of-birth"),
    ]


def test_only_the_first_date_after_the_cue_is_the_date_of_birth():
    text = "Ik ben geboren op 12 maart 1980 en heb een afspraak op 12 maart 2026."
    assert found(text) == [("12 maart 1980", "date-of-birth")]


# The call's known details -------------------------------------------------------------------


def test_known_names_in_full_and_in_parts_in_any_casing():
    known = Known(names=("Pieter van der Berg",))
    assert found("PIETER VAN DER BERG", known) == [("PIETER VAN DER BERG", "known-name")]
    assert found("Ik ben pieter  van der\nberg.", known) == [
        ("pieter  van der\nberg", "known-name")
    ]
    assert found("Spreek ik met de heer Van der Berg?", known) == [
        ("de heer Van der Berg", "known-name")  # deduce adds the title to the span
    ]
    assert found("Dit is P. van der Berg.", known) == [("P. van der Berg", "known-name")]
    assert found("Dag Pieter, dag Berg.", known) == [
        ("Pieter", "known-name"),
        ("Berg", "known-name"),
    ]


def test_a_known_surname_in_lower_case_is_an_ordinary_word():
    known = Known(names=("Jan de Boer",))
    assert found("Met Jan de Boer, de boer van hiernaast.", known) == [
        ("Jan de Boer", "known-name")
    ]
    assert found("JAN DE BOER", known) == [("JAN DE BOER", "known-name")]
    assert found("Dag meneer De Boer.", known) == [("meneer De Boer", "known-name")]


def test_known_names_match_with_or_without_accents():
    known = Known(names=("Ayşe Yılmaz", "Jose Muller"), addresses=("Rue de l'Église 3",))
    text = "Met Ayse Yilmaz, mevrouw YILMAZ, en José Müller. Adres: Rue de l'Eglise 3."
    assert found(text, known, only="known-name") == [
        ("Ayse Yilmaz", "known-name"),
        ("YILMAZ", "known-name"),
        ("José Müller", "known-name"),
    ]
    assert found(text, known, only="known-address") == [("Rue de l'Eglise 3", "known-address")]


@pytest.mark.parametrize(
    "known",
    [
        Known(
            names=("", "   ", "(.*)", "a", "x" * 500), addresses=("", ",", "12"), postcodes=("?",)
        ),
        Known(phones=("", "not a number", "+999"), dates_of_birth=("", "12-03-1980", "nonsense")),
    ],
)
def test_odd_known_details_change_nothing(known):
    assert found("Met Pieter (.*) op 06-12345678.", known) == [
        ("Pieter", "deduce-name"),
        ("06-12345678", "phone"),
    ]


def test_a_name_that_is_also_a_month_is_not_proposed_inside_a_date():
    known = Known(names=("Jan de Boer",))
    text = "Op 1 Jan 2026 belde Jan."
    assert found(text, known) == [("Jan", "known-name")]
    assert propose(text, known)[0].start == text.rindex("Jan")


def test_a_known_single_word_in_lower_case_is_an_ordinary_word():
    known = Known(names=("Jan de Berg",))
    assert found("In januari beklom jan de berg.", known) == [("jan de berg", "known-name")]
    assert found("Hij beklom een berg.", known) == []


def test_known_address_and_postcode_in_any_spacing():
    known = Known(addresses=("Kerkstraat 12a",), postcodes=("3511AB",))
    assert found("Het is kerkstraat 12 A, 3511 ab.", known) == [
        ("kerkstraat 12 A", "known-address"),
        ("3511 ab", "known-postcode"),
    ]
    assert found("Ik woon op de Kerkstraat.", known) == [("Kerkstraat", "known-address")]


def test_a_known_phone_number_in_any_form():
    known = Known(phones=("+31612345678",))
    for form in ["06-12345678", "06 12 34 56 78", "+31 (0)6 1234 5678", "0031612345678"]:
        assert found(f"Bel {form} terug.", known) == [(form, "known-phone")]
    assert found("Bel 06-87654321 terug.", known) == [("06-87654321", "phone")]


# Names and streets in free text (deduce) ----------------------------------------------------


def test_deduce_finds_names_and_street_addresses_in_free_text():
    text = "Mijn vrouw, mevrouw El Amrani, woont aan de Burgemeester de Withstraat 7 in Zwolle."
    assert found(text) == [
        ("mevrouw El Amrani", "deduce-name"),
        ("Burgemeester de Withstraat 7", "deduce-address"),
        ("Zwolle", "deduce-place"),
    ]


def test_a_common_word_at_the_start_of_a_sentence_is_no_name_or_place():
    assert found("Mooi, dan noteer ik dat. Best dat het goed komt.") == []


def test_deduce_dates_phones_and_ids_are_not_used():
    assert found("Op 12 maart 2026 om 14:30, kenmerk 123456789, 20 jaar oud.") == []


def test_the_deduce_engine_is_built_once_and_shared_by_threads():
    results = []
    text = "Ik spreek met meneer Bakker uit de Dorpsweg 14."

    def run():
        results.append(propose(text))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert deduce_text.engine() is deduce_text.engine()


def test_deduce_writes_nothing_into_its_package():
    import deduce

    package = Path(deduce.__file__).parent
    assert not list(package.rglob("*.pickle"))


# propose(): order, overlaps, odd input ------------------------------------------------------


def test_overlapping_proposals_become_one_span_named_by_the_most_specific_detector():
    known = Known(names=("Pieter van der Berg",))
    text = "Mail pieter.van.der.berg@example.nl of bel meneer Pieter van der Berg."
    assert found(text, known) == [
        ("pieter.van.der.berg@example.nl", "email"),
        ("meneer Pieter van der Berg", "known-name"),  # deduce's span, the known name's kind
    ]


def test_proposals_are_sorted_and_never_overlap():
    text = " ".join(said for said, _sent in CALL) * 3
    proposals = propose(text, KNOWN)
    assert proposals == sorted(proposals, key=lambda p: p.start)
    assert all(a.end <= b.start for a, b in zip(proposals, proposals[1:], strict=False))
    assert all(isinstance(p, Proposal) and type(p.start) is int for p in proposals)


def test_unusual_characters_keep_their_offsets():
    text = "😀 שלום, mijn nummer is 06\u200b1234\u00a05678 en BSN 123\u2011456\u2011782 ‏עברית‎ 👍🏽"
    assert found(text) == [("06\u200b1234\u00a05678", "phone"), ("123\u2011456\u2011782", "bsn")]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\u200b", "😀" * 50, "?!" * 100])
def test_empty_or_odd_text_gives_no_proposals(text):
    assert propose(text) == []


def test_long_text_is_fast():
    propose("Opwarmen met meneer Jansen.")  # the deduce engine is built on first use
    utterance = " ".join(said for said, _sent in CALL)
    ten_thousand = (utterance * 20)[:10_000]
    started = time.monotonic()
    propose(ten_thousand, KNOWN)
    assert time.monotonic() - started < 1.0
    hundred_thousand = (utterance * 200)[:100_000]
    started = time.monotonic()
    propose(hundred_thousand, KNOWN)
    propose("9" * 100_000 + "a" * 100_000 + "a.b@" * 25_000)
    assert time.monotonic() - started < 6.0


# Labels -------------------------------------------------------------------------------------


def test_every_detector_label_has_its_dutch_translation():
    po_file = Path(__file__).resolve().parents[2] / "locale/nl/LC_MESSAGES/django.po"
    dutch = {entry.msgid for entry in polib.pofile(str(po_file)) if entry.translated()}
    with translation.override("en"):
        missing = [str(label) for label in DETECTORS.values() if str(label) not in dutch]
    assert missing == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),  # any code point: emoji, RTL, combining marks, zero-width
            st.sampled_from("0123456789 -+()./@:,'NLABnlab\n"),
        ),
        max_size=300,
    )
)
def test_any_text_gives_sorted_non_overlapping_proposals_inside_it(text):
    proposals = propose(text, KNOWN)
    assert all(0 <= p.start < p.end <= len(text) for p in proposals)
    assert all(a.end <= b.start for a, b in zip(proposals, proposals[1:], strict=False))
    assert all(p.detector in DETECTORS for p in proposals)
