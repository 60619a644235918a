from django.core.management.base import BaseCommand, CommandError

from audit.services import chain_key_for
from audit.verification import chains_verify
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Walk the audit chain(s) and exit non-zero on the first broken link, naming it."

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG", help="only this organisation's chain")

    def handle(self, *args, org=None, **options):
        keys = None
        if org:
            organisation = Organisation.objects.filter(slug=org).first()
            if organisation is None:
                raise CommandError(f"No organisation with slug {org!r}.")
            keys = [chain_key_for(organisation)]
        reports = chains_verify(keys=keys)
        broken = [report for report in reports if not report.ok]
        for report in reports:
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(report.describe()))
        if broken:
            raise CommandError(f"Audit chain broken: {broken[0].describe()}")
        total = sum(report.events_checked for report in reports)
        self.stdout.write(f"{len(reports)} chain(s), {total} event(s) verified.")
