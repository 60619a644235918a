"""E-mail addresses: a local part (letters, digits, dots, plus, hyphen, underscore, percent),
an @, and a domain of dot-separated labels ending in a top-level domain of two or more letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from transcripts.constants import RedactionKind

from .base import Known, Proposal

CODE = "email"
LABELS = {CODE: _("E-mail address")}

_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_ADDRESS = re.compile(
    r"(?<![\w.%+\-])"  # start of the local part: never mid-word (keeps the scan linear)
    r"[\w%+\-]+(?:\.[\w%+\-]+)*"
    r"@"
    rf"(?:{_LABEL}\.)+[^\W\d_]{{2,}}"
    r"(?![\w\-]|\.[^\W_])"
)


def detect(text: str, known: Known) -> Iterator[Proposal]:
    if "@" not in text:
        return
    for match in _ADDRESS.finditer(text):
        yield Proposal(match.start(), match.end(), RedactionKind.EMAIL, CODE)
