"""manage.py seal_audio [--organisation SLUG] [--limit N] [--dry-run]: encrypt the audio stored
before issue 19 (recordings/seal_existing.py). Beat does the same in the background, bounded,
every ten minutes; this command does all of it at once, with progress.

Exit codes: 0 every call sealed (or nothing to do), 1 done with calls that could not be
sealed (the summary says why; they stay readable in plaintext), 2 wrong options, 3 another
run is sealing or a system error stopped the run (run it again to continue), 130 interrupted.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recordings.keystore import KeyUnavailable
from recordings.progress import ProgressBar, resumable_run
from recordings.seal_existing import SealingOutcome, seal_existing


def _positive(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be a whole number of at least 1"))
    return number


class Command(BaseCommand):
    help = (
        "Encrypt the audio stored before encryption at rest: each plaintext call is sealed "
        "under the key of its deadline day and its plaintext deleted. Safe to interrupt and "
        "to run again; calls stay playable throughout."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            "--org",
            dest="organisation",
            metavar="SLUG",
            help="only this organisation's calls (default: every organisation)",
        )
        parser.add_argument(
            "--limit", type=_positive, metavar="N", help="seal at most N calls, then stop"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be sealed; change nothing"
        )

    def handle(self, *args, organisation, limit, dry_run, **options):
        org = None
        if organisation is not None:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                slugs = Organisation.objects.order_by("slug").values_list("slug", flat=True)
                raise CommandError(
                    _("No organisation with slug %(slug)r. Known: %(slugs)s.")
                    % {"slug": organisation, "slugs": ", ".join(slugs) or "-"},
                    returncode=2,
                )
        bar = ProgressBar(self.stderr._out, unit="calls")
        stopped = _(
            "Sealing stopped: %(error)s. Every call sealed so far stays sealed and every "
            "other call stays playable; run the same command again to continue."
        )
        with resumable_run(stopped, (DatabaseError, KeyUnavailable)):
            outcome = seal_existing(
                organisation=org,
                limit=limit,
                progress=bar,
                dry_run=dry_run,
                on_wait=self._waiting,
            )
        if outcome.locked:
            raise CommandError(
                _(
                    "Another run is sealing audio now (the scheduled one, or another "
                    "seal_audio). Try again when it has finished."
                ),
                returncode=3,
            )
        self._print(outcome)
        if outcome.failed:
            raise CommandError(
                _(
                    "%(count)s call(s) could not be sealed; they stay playable in plaintext. "
                    "The next run tries them again."
                )
                % {"count": outcome.failed},
                returncode=1,
            )

    def _waiting(self, seconds: float) -> None:
        self.stdout.write(
            _(
                "Waiting %(seconds)s s before deleting the last plaintext copies, so that plays "
                "in progress can finish."
            )
            % {"seconds": round(seconds)}
        )

    def _print(self, outcome: SealingOutcome) -> None:
        write = self.stdout.write
        if outcome.dry_run:
            write(self.style.SUCCESS(_("Would seal: %(count)s") % {"count": outcome.to_seal}))
        else:
            write(
                self.style.SUCCESS(
                    _("Sealed: %(count)s (%(size)s)")
                    % {"count": outcome.sealed, "size": filesizeformat(outcome.bytes_sealed)}
                )
            )
            write(_("Could not be sealed: %(count)s") % {"count": outcome.failed})
            for reason, count in sorted(outcome.failures.items()):
                write(self.style.WARNING(f"  {reason}: {count}"))
                for recording_id in outcome.examples.get(reason, []):
                    write(f"    {recording_id}")
            if outcome.changed:
                write(
                    _("Changed while being sealed (erased or held meanwhile): %(count)s")
                    % {"count": outcome.changed}
                )
            if outcome.leftovers_deleted:
                write(
                    _("Plaintext copies deleted: %(count)s") % {"count": outcome.leftovers_deleted}
                )
        if outcome.held_waiting:
            write(
                _(
                    "Under a legal hold, left in plaintext until their hold's key is known: "
                    "%(count)s"
                )
                % {"count": outcome.held_waiting}
            )
        if outcome.due:
            write(_("Past their deadline, left to the purge: %(count)s") % {"count": outcome.due})
        if outcome.stopped == "limit":
            write(_("Stopped at the limit; run again to continue."))
        write(_("Still in plaintext: %(count)s") % {"count": outcome.remaining})
