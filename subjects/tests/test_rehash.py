"""Digests are set wherever a call gets its customer data, and `rehash_identifiers`
recomputes them all after the key changed."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from recordings.identifiers import identifier_digest
from recordings.models import Recording
from recordings.tests.factories import recording_create
from subjects.models import SubjectIdentifier
from subjects.search import find_subject_data
from subjects.tests.conftest import register_request


def test_ingest_and_every_save_set_the_digests(registers):
    cast = registers
    call = recording_create(
        organisation=cast.organisation, customer_phone="+31612345678", customer_bsn="111222333"
    )
    assert call.customer_phone_digest == identifier_digest("phone", "06-12345678")
    assert call.customer_bsn_digest == identifier_digest("bsn", "111222333")
    assert call.customer_name_digest is None
    call.customer_name = "Jan de Vries"
    call.save(update_fields=["customer_name"])
    call.refresh_from_db()
    assert call.customer_name_digest == identifier_digest("name", "jan de vries")


def test_rehash_after_a_new_key_finds_the_person_again(registers, settings):
    cast = registers
    call = recording_create(
        organisation=cast.organisation, customer_phone="+31612345678", customer_name="Jan"
    )
    earlier = register_request(cast, phones=["0612345678"], name="Jan", bsn="111222333")
    settings.IDENTIFIER_KEY = "a-rotated-key-" + "r" * 30
    later = register_request(cast, phones=["0612345678"], name="Jan")
    assert not find_subject_data(later).recordings.exists()  # old digests, new key
    out = StringIO()
    call_command("rehash_identifiers", stdout=out)
    assert "1 BSN" in out.getvalue()
    assert list(find_subject_data(later).recordings) == [call]
    assert list(find_subject_data(later).subject_requests) == [earlier]
    assert Recording.objects.get(pk=call.pk).customer_phone_digest == identifier_digest(
        "phone", "+31612345678"
    )
    assert SubjectIdentifier.objects.filter(kind="bsn").count() == 1
