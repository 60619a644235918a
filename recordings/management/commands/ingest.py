"""manage.py ingest PATH --org SLUG: one drop-folder scan by hand, with a progress bar."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from recordings.dropfolder import drop_folder_scan

BAR_WIDTH = 30
NAME_WIDTH = 40


class Command(BaseCommand):
    help = (
        "Ingest every complete audio file in PATH (with its <name>.json sidecar or an Asterisk "
        "name) for one organisation. Exits non-zero when a file was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="folder holding the audio files")
        parser.add_argument("--org", metavar="SLUG", required=True, help="organisation")
        parser.add_argument(
            "--settle",
            metavar="SECONDS",
            type=int,
            default=None,
            # The same wait as the beat scan: a recorder may still be writing into the folder,
            # and a file taken too early is a call cut short. 0 only for a finished copy.
            help=(
                "take only files unchanged for this many seconds (default: "
                f"EARSHOT_DROP_SETTLE_SECONDS, {settings.DROP_SETTLE_SECONDS})"
            ),
        )

    def handle(self, *args, path, org, settle, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {org!r}.")
        folder = Path(path)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        if settle is None:
            settle = settings.DROP_SETTLE_SECONDS
        if settle < 0:
            raise CommandError("--settle cannot be negative.")

        self._bar_shown = False
        report = drop_folder_scan(
            organisation=organisation, folder=folder, settle_seconds=settle, progress=self._bar
        )
        if self._bar_shown:
            self.stderr.write("", style_func=str)  # end the progress line

        self.stdout.write(self.style.SUCCESS(f"Ingested: {report.ingested}"))
        self.stdout.write(f"Waiting (still being written): {report.waiting}")
        if report.failed:
            self.stdout.write(
                self.style.ERROR(f"Failed (left in .processing/, see the log): {report.failed}")
            )
        self.stdout.write(f"Rejected: {report.rejected}")
        for name, reason in report.rejections:
            self.stdout.write(self.style.ERROR(f"  {name}: {reason}"))
        if report.rejected or report.failed:
            raise CommandError(
                f"{report.rejected} file(s) rejected, {report.failed} failed; the rejected "
                f"files and their reasons are in {folder / 'rejected'}."
            )

    def _bar(self, done: int, total: int, name: str) -> None:
        # Plain text and \r, so it works in any terminal and in a log without extra packages.
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        label = name if len(name) <= NAME_WIDTH else "..." + name[-(NAME_WIDTH - 3) :]
        self.stderr.write(
            f"\r[{bar}] {done}/{total} {label.ljust(NAME_WIDTH)}", style_func=str, ending=""
        )
        self.stderr.flush()
        self._bar_shown = True
