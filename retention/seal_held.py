"""Which hold's key a held plaintext call is sealed under (recordings/seal_existing.py).

The sealing migration is in recordings/, which cannot know holds; retention registers this
(apps.py). The rule is retention/rewrap.py's: a held call is under the key of one hold that
suspends its erasure, the one approved first.
"""

from __future__ import annotations

from uuid import UUID

from organisations.models import Organisation
from retention.holds import SUSPENDING
from retention.models import LegalHold


def hold_refs_for_sealing(organisation: Organisation, recording_ids: list[UUID]) -> dict[UUID, str]:
    pairs = (
        LegalHold.recordings.through.objects.filter(
            recording_id__in=recording_ids,
            legalhold__organisation=organisation,
            legalhold__status__in=SUSPENDING,
        )
        .order_by("legalhold__approved_at", "legalhold_id")
        .values_list("recording_id", "legalhold_id")
    )
    refs: dict[UUID, str] = {}
    for recording_id, hold_id in pairs:
        refs.setdefault(recording_id, str(hold_id))
    return refs
