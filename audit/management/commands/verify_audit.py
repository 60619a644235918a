from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import chain_key_for
from audit.verification import chains_verify
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Walk the audit chain(s), check them against the signed checkpoints in the file store "
        "(and in any --checkpoints copies), and exit non-zero naming what is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG", help="only this organisation's chain")
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            action="append",
            default=[],
            help="also check against the signed checkpoints in this file (a downloaded copy); "
            "may be given more than once",
        )

    def handle(self, *args, org=None, checkpoints=(), **options):
        keys = None
        if org:
            organisation = Organisation.objects.filter(slug=org).first()
            if organisation is None:
                raise CommandError(f"No organisation with slug {org!r}.")
            keys = [chain_key_for(organisation)]
        files = [Path(name) for name in checkpoints]
        for path in files:
            if not path.is_file():
                raise CommandError(f"No checkpoint file {str(path)!r}.")
        reports = chains_verify(keys=keys, checkpoint_files=files)
        broken = [report for report in reports if not report.ok]
        for report in reports:
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(report.describe()))
        if broken:
            raise CommandError(
                f"Audit trail broken: {'; '.join(report.describe() for report in broken)}"
            )
        total = sum(report.events_checked for report in reports)
        self.stdout.write(f"{len(reports)} chain(s), {total} event(s) verified.")
