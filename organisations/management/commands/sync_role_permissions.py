from django.core.management.base import BaseCommand

from organisations.services import membership_sync_permissions


class Command(BaseCommand):
    help = "Re-apply the role table (organisations/roles.py) to every membership's rights."

    def handle(self, *args, **options):
        count = membership_sync_permissions()
        self.stdout.write(self.style.SUCCESS(f"Rights re-applied for {count} memberships."))
