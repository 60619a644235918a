"""Identifiers are normalised before their keyed digest: one person, one digest, however the
number was written; a BSN must pass the elfproef."""

import pytest
from django.utils import translation

from recordings.identifiers import IdentifierError, identifier_digest, normalise_bsn
from subjects.constants import IdentifierKind
from subjects.identifiers import identifier_given


@pytest.mark.parametrize(
    "written", ["06-12345678", "+31 6 1234 5678", "0031612345678", "06 12 34 56 78", "+31612345678"]
)
def test_every_way_of_writing_a_dutch_mobile_number_gives_one_digest(written):
    assert identifier_digest("phone", written) == identifier_digest("phone", "0612345678")


def test_a_landline_with_area_code_and_its_international_form_are_one_number():
    assert identifier_digest("phone", "020-1234567") == identifier_digest("phone", "+31201234567")


def test_names_and_customer_numbers_ignore_case_and_spacing():
    assert identifier_digest("name", "  Jan   de VRIES ") == identifier_digest(
        "name", "jan de vries"
    )
    assert identifier_digest("customer_number", "KL 123") == identifier_digest(
        "customer_number", "kl 123"
    )


def test_the_kind_keeps_equal_values_of_different_kinds_apart():
    assert identifier_digest("customer_number", "111222333") != identifier_digest(
        "bsn", "111222333"
    )


def test_the_digest_depends_on_the_key(settings):
    before = identifier_digest("phone", "0612345678")
    settings.IDENTIFIER_KEY = "another-key"
    assert identifier_digest("phone", "0612345678") != before


def test_a_bsn_failing_the_elfproef_is_refused_with_the_reason():
    with pytest.raises(IdentifierError, match="elfproef"):
        normalise_bsn("123456789")
    with translation.override("en"), pytest.raises(IdentifierError, match="nine digits"):
        normalise_bsn("1234567890")
    with translation.override("nl"), pytest.raises(IdentifierError, match="negen cijfers"):
        normalise_bsn("1234567890")
    assert normalise_bsn("111 222 333") == "111222333"


def test_the_page_shows_a_bsn_only_by_its_last_three_digits_and_a_phone_internationally():
    bsn = identifier_given(IdentifierKind.BSN, "111222333")
    assert bsn.display == "******333"
    assert "111222" not in bsn.display
    phone = identifier_given(IdentifierKind.PHONE, "06-12345678")
    assert phone.display == "+31 6 12345678"


def test_an_invalid_phone_number_is_refused_with_the_reason():
    with translation.override("en"), pytest.raises(IdentifierError, match="not a phone number"):
        identifier_given(IdentifierKind.PHONE, "12")
