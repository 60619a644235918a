"""manage.py purge [--org SLUG] [--dry-run]: the nightly purge, by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from organisations.models import Organisation
from retention.constants import RunStatus, RunTrigger
from retention.purge import dry_run, purge_organisation


class Command(BaseCommand):
    help = "Erase the recordings whose retention runs out before the next scheduled purge."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Only this organisation (its short name).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be erased; change nothing."
        )

    def handle(self, *args, org=None, **options):
        organisations = Organisation.objects.order_by("slug")
        if org:
            organisations = organisations.filter(slug=org)
            if not organisations.exists():
                raise CommandError(f"No organisation with short name {org!r}.")
        failed = False
        for organisation in organisations:
            if options["dry_run"]:
                plan = dry_run(organisation)
                self.stdout.write(
                    f"{organisation.slug}: would erase {plan['due']} recording(s) "
                    f"({filesizeformat(plan['bytes'])}); {plan['held']} held; "
                    f"{plan['overdue']} overdue now"
                )
                continue
            run = purge_organisation(organisation, trigger=RunTrigger.COMMAND)
            self.stdout.write(
                f"{organisation.slug}: erased {run.purged} ({filesizeformat(run.bytes_freed)}), "
                f"failed {run.failed}, held {run.held}, overdue {run.overdue}, "
                f"{run.duration_seconds:.1f} s"
            )
            failed |= run.status != RunStatus.FINISHED or run.failed > 0 or run.overdue > 0
        if failed:
            raise CommandError("Not everything due was erased; see the purge report.")
