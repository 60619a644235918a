from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organisations.services import organisation_create


class Command(BaseCommand):
    help = "Create an organisation (tenant). Its register and members are configured after."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name used in URLs, e.g. acme-klantcontact")
        parser.add_argument("name", help="display name")
        parser.add_argument("--timezone", default="Europe/Amsterdam")

    def handle(self, *args, slug, name, timezone, **options):
        try:
            organisation = organisation_create(slug=slug, name=name, timezone=timezone, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {organisation.name} ({organisation.slug})."))
