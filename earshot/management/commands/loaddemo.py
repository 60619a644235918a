from time import monotonic

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from earshot.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the two demo organisations with their register, teams, one user per role and six "
        "months of their daily work (calls, evaluations, requests, holds, purges)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="only a dozen calls of the last days per organisation: quicker, for tests",
        )

    def handle(self, *args, without_history=False, **options):
        if not settings.DEMO:
            raise CommandError(
                "The demo loads accounts with a shared, published password. It runs only on an "
                "installation started with EARSHOT_DEMO=1 (make run does this), never in "
                "production."
            )
        started = monotonic()
        summary = demo_load(say=self.stdout.write, history=not without_history)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {monotonic() - started:.0f} s: {summary.organisations} "
                f"organisations, {summary.users} users ({summary.created} objects created). "
                f"Password for every demo user: {DEMO_PASSWORD}"
            )
        )
