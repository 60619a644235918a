from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.checkpoints import CheckpointError
from audit.prune import PruneError, audit_prune
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Remove an organisation's audit events from before a day (the trail's own retention), "
        "behind a signed checkpoint so the rest still verifies. The newest event always stays."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG", required=True)
        parser.add_argument(
            "--before",
            metavar="YYYY-MM-DD",
            required=True,
            help="remove events from before this day (Europe/Amsterdam)",
        )

    def handle(self, *args, org, before, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {org!r}.")
        try:
            day = date.fromisoformat(before)
        except ValueError as error:
            raise CommandError(f"--before must be a day as YYYY-MM-DD, not {before!r}.") from error
        if day > timezone.localdate():
            raise CommandError(f"--before {before} lies in the future; nothing was removed.")
        moment = timezone.make_aware(datetime.combine(day, time.min))
        try:
            result = audit_prune(organisation=organisation, before=moment)
        except (PruneError, CheckpointError) as error:
            raise CommandError(f"Not pruned: {error}") from error
        if not result.removed:
            self.stdout.write(f"{org}: no events from before {before} to remove.")
            return
        self.stdout.write(
            f"{org}: {result.removed} event(s) from before {before} removed; the chain now "
            f"starts at sequence {result.first_retained_sequence}, behind a signed checkpoint."
        )
