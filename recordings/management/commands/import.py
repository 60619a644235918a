"""manage.py import --organisation SLUG FOLDER: a historic archive into one organisation.

Exit codes: 0 every file imported (or already in Earshot), 1 done with refusals (see the
summary and the report), 2 wrong options (a report inside the archive or not writable, say),
unknown organisation or no such folder, 3 stopped by an error of the system or another import
running (run it again to resume), 130 interrupted.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.archive_import import (
    ArchiveImportError,
    ArchiveOptionError,
    ArchiveSummary,
    archive_import,
)
from recordings.keystore import KeyUnavailable
from recordings.progress import ProgressBar, resumable_run

# Control characters of file names (a newline, a terminal escape) shown as escapes: whoever
# named the archive's files must not be able to rewrite the summary or drive the terminal.
_PRINTABLE = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
}


def printable(text: str) -> str:
    return text.translate(_PRINTABLE)


class Command(BaseCommand):
    help = (
        "Import a folder tree of historic recordings (audio with a <name>.json sidecar, or an "
        "Asterisk file name) into one organisation. The folder is only read. Resumable: after "
        "an interruption, run the same command again."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER", help="the archive's folder")
        parser.add_argument(
            "--organisation",
            "--org",
            dest="organisation",
            metavar="SLUG",
            required=True,
            help="the organisation the calls belong to",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every file and count what would be imported; change nothing",
        )
        parser.add_argument(
            "--report",
            metavar="CSV",
            help="where to write the list of refused files (default: var/imports/)",
        )

    def handle(self, *args, folder, organisation, dry_run, report, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            slugs = ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                _("No organisation with slug %(slug)r. Known: %(slugs)s.")
                % {"slug": organisation, "slugs": slugs or "-"},
                returncode=2,
            )
        root = Path(folder).expanduser()
        if not root.is_dir():
            raise CommandError(
                _("%(path)s is not a folder (or cannot be read).") % {"path": root}, returncode=2
            )
        bar = ProgressBar(self.stderr._out)
        stopped = _(
            "The import stopped: %(error)s. Every call imported so far is kept; run the "
            "same command again to continue where it stopped."
        )
        with resumable_run(stopped, (DatabaseError, OSError, KeyUnavailable)):
            try:
                summary = archive_import(
                    organisation=org,
                    root=root,
                    dry_run=dry_run,
                    report=Path(report).expanduser() if report else None,
                    progress=bar,
                )
            except ArchiveOptionError as exc:
                raise CommandError(str(exc), returncode=2) from None
            except ArchiveImportError as exc:
                raise CommandError(str(exc), returncode=3) from None
        self._print(summary)
        if summary.refused and summary.report is None:
            raise CommandError(
                _("%(count)s file(s) would be refused.") % {"count": summary.refused},
                returncode=1,
            )
        if summary.refused:
            raise CommandError(
                _("%(count)s file(s) refused; the report lists each with its reason: %(report)s")
                % {"count": summary.refused, "report": summary.report or "-"},
                returncode=1,
            )

    def _print(self, summary: ArchiveSummary) -> None:
        write = self.stdout.write
        if summary.resumed:
            write(
                _("Resumed an interrupted import: %(count)s file(s) were done before.")
                % {"count": summary.resumed_after}
            )
        write(_("Files: %(count)s") % {"count": summary.files})
        if summary.dry_run:
            write(self.style.SUCCESS(_("Would import: %(count)s") % {"count": summary.imported}))
        else:
            write(self.style.SUCCESS(_("Imported: %(count)s") % {"count": summary.imported}))
        if summary.already_imported:
            write(
                _("Already in Earshot (the same call id and audio): %(count)s")
                % {"count": summary.already_imported}
            )
        label = _("Would refuse: %(count)s") if summary.dry_run else _("Refused: %(count)s")
        write(label % {"count": summary.refused})
        for reason, (count, examples) in summary.refusals.items():
            write(self.style.WARNING(f"  {reason}: {count}"))
            for path, message in examples:
                write(f"    {printable(path)}: {printable(message)}")
            if count > len(examples):
                write("    " + _("… and %(count)s more") % {"count": count - len(examples)})
        if summary.report is not None and summary.refused:
            write(_("Report of every refused file: %(path)s") % {"path": summary.report})
