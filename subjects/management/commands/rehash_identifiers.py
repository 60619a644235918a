"""Recompute every identifier digest under the current EARSHOT_IDENTIFIER_KEY.

Run it after changing the key (and the migration that added the digests ran it once):
recordings are rehashed from the values beside their digests; a request's identifiers from
what the page shows of them (a phone number, name, customer number, e-mail address). A BSN
is kept only as a digest and its last three digits, so it cannot be rehashed: the command
counts those, and the page of such a request still shows them, but an earlier request is no
longer found by its BSN (its phone number, name and e-mail still find it).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from recordings import identifiers as ids
from recordings.models import Recording
from subjects.constants import IdentifierKind
from subjects.models import SubjectIdentifier


class Command(BaseCommand):
    help = "Recompute the digests of customer identifiers after EARSHOT_IDENTIFIER_KEY changed."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size: int, **options):
        recordings = ids.recordings_rehash(Recording, batch_size=batch_size)
        rehashed, kept = 0, 0
        with transaction.atomic():
            rows = SubjectIdentifier.objects.select_for_update().order_by("pk")
            for identifier in rows.iterator(chunk_size=batch_size):
                if identifier.kind == IdentifierKind.BSN:
                    kept += 1
                    continue
                digest = ids.optional_digest(identifier.kind, identifier.display)
                if digest and digest != identifier.digest:
                    identifier.digest = digest
                    identifier.save(update_fields=["digest"])
                rehashed += 1
        self.stdout.write(
            f"Rehashed {recordings} recording(s) and {rehashed} request identifier(s); "
            f"{kept} BSN identifier(s) of requests cannot be rehashed (only their digest is kept)."
        )
