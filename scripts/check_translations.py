"""Check and compile the Dutch catalogue, run by `make messages` after `makemessages`.

locale/nl/LC_MESSAGES/django.po is the one place translations live: translators edit it (by
hand or on a translation platform) and `makemessages` keeps what they wrote. This script
drops the strings the code no longer has, refuses to pass while any string is untranslated or
fuzzy (makemessages' fuzzy guesses are often nonsense), and compiles django.mo.
"""

import sys
from pathlib import Path

import polib

PO_FILE = Path(__file__).resolve().parents[1] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def problems(po: polib.POFile) -> list[str]:
    untranslated = [f"untranslated: {entry.msgid!r}" for entry in po.untranslated_entries()]
    fuzzy = [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    return untranslated + fuzzy


def main() -> int:
    po = polib.pofile(str(PO_FILE))
    for entry in po.obsolete_entries():
        po.remove(entry)
    po.metadata["Language"] = "nl"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    found = problems(po)
    if found:
        print(f"{PO_FILE}: translate these (and remove the fuzzy flag):", file=sys.stderr)
        print(*found, sep="\n  ", file=sys.stderr)
        return 1
    po.save_as_mofile(str(PO_FILE.with_suffix(".mo")))
    print(f"{PO_FILE.with_suffix('.mo')}: {len(po.translated_entries())} strings compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
