from time import monotonic

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from earshot.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the two demo organisations with their register, teams, one user per role and six "
        "months of their daily work (calls, evaluations, requests, holds, purges)."
    )

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "The demo loads accounts with a shared, published password. It runs only on an "
                "installation started with EARSHOT_DEMO=1 (make run does this), never in "
                "production."
            )
        started = monotonic()
        summary = demo_load(say=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {monotonic() - started:.0f} s: {summary.organisations} "
                f"organisations, {summary.users} users ({summary.created} objects created). "
                f"Password for every demo user: {DEMO_PASSWORD}"
            )
        )
