"""Keyed digests of customer identifiers, so a person is found exactly and fast (an index on
the digest) without a BSN or phone number in plain text where none is shown.

Each value is first normalised, so every way of writing it gives one digest: a phone number
becomes E.164 (read as Dutch when it has no country code: 06-12345678, +31 6 1234 5678 and
0031612345678 are one number), a BSN its nine digits after the elfproef, a customer number and
a name are casefolded with their whitespace collapsed, an e-mail address casefolded. The digest
is HMAC-SHA256 under settings.IDENTIFIER_KEY of "<kind>:<normalised value>" (the kind keeps a
customer number that happens to equal a BSN apart). After changing the key, run
`manage.py rehash_identifiers`.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as nl_bsn

PHONE = "phone"
BSN = "bsn"
NAME = "name"
CUSTOMER_NUMBER = "customer_number"
EMAIL = "email"


class IdentifierError(ValueError):
    """A value that is not a valid identifier of its kind; the message says why."""


def _collapse(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def normalise_phone(value: str) -> str:
    text = (value or "").strip()
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise IdentifierError(
            _("%(value)s is not a phone number Earshot recognises.") % {"value": text}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_bsn(value: str) -> str:
    try:
        return nl_bsn.validate((value or "").strip())
    except InvalidLength:
        raise IdentifierError(_("A BSN has nine digits.")) from None
    except InvalidChecksum:
        raise IdentifierError(
            _("This number fails the elfproef, so it is not a BSN; check the digits.")
        ) from None
    except StdnumError:
        raise IdentifierError(_("A BSN consists of digits only.")) from None


def normalise_name(value: str) -> str:
    return _collapse(value or "")


def normalise_customer_number(value: str) -> str:
    return _collapse(value or "")


def normalise_email(value: str) -> str:
    return (value or "").strip().casefold()


NORMALISERS = {
    PHONE: normalise_phone,
    BSN: normalise_bsn,
    NAME: normalise_name,
    CUSTOMER_NUMBER: normalise_customer_number,
    EMAIL: normalise_email,
}


def digest_normalised(kind: str, normalised: str) -> str:
    message = f"{kind}:{normalised}".encode()
    return hmac.new(settings.IDENTIFIER_KEY.encode(), message, hashlib.sha256).hexdigest()


def identifier_digest(kind: str, value: str) -> str:
    """The digest of a value as written; raises IdentifierError for an invalid phone or BSN."""
    return digest_normalised(kind, NORMALISERS[kind](value))


def optional_digest(kind: str, value: str) -> str | None:
    """For stored values: None when empty or not valid (nothing to find it by)."""
    if not (value or "").strip():
        return None
    try:
        normalised = NORMALISERS[kind](value)
    except IdentifierError:
        return None
    return digest_normalised(kind, normalised) if normalised else None


# The recording columns a digest is computed from, with the digest column and its kind.
RECORDING_DIGESTS = (
    ("customer_phone", "customer_phone_digest", PHONE),
    ("customer_bsn", "customer_bsn_digest", BSN),
    ("customer_name", "customer_name_digest", NAME),
    ("customer_number", "customer_number_digest", CUSTOMER_NUMBER),
)


def recordings_rehash(
    recording_model, *, batch_size: int = 2000, digests: tuple = RECORDING_DIGESTS
) -> int:
    """Recompute the digests of every live recording that carries a customer identifier
    (after a new key, or for rows from before the digests): keyset batches by id, one
    bulk update per batch. Takes the model so a migration can pass its historical one.
    Returns how many rows were rewritten."""
    from django.db.models import Q

    carries = Q()
    for source, _target, _kind in digests:
        carries |= ~Q(**{source: ""})
    rows = recording_model.objects.exclude(status="purged").filter(carries).order_by("pk")
    fields = [source for source, _t, _k in digests]
    targets = [target for _s, target, _k in digests]
    changed = 0
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        batch = list(page.only("pk", *fields, *targets)[:batch_size])
        if not batch:
            return changed
        for row in batch:
            for source, target, kind in digests:
                setattr(row, target, optional_digest(kind, getattr(row, source)))
        recording_model.objects.bulk_update(batch, targets)
        changed += len(batch)
        last = batch[-1].pk
