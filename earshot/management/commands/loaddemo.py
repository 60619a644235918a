from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from earshot.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the two demo organisations with their register, teams and one user per role."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "The demo loads accounts with a shared, published password. It runs only on an "
                "installation started with EARSHOT_DEMO=1 (make run does this), never in "
                "production."
            )
        summary = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {summary.organisations} organisations, {summary.users} users "
                f"({summary.created} objects created). Password for every demo user: "
                f"{DEMO_PASSWORD}"
            )
        )
