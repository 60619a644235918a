from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from recordings.tokens import ingest_token_create


class Command(BaseCommand):
    help = "Create an API token with which a recorder or PBX pushes calls for one organisation."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG")
        parser.add_argument("--name", required=True, help="which recorder or PBX uses it")

    def handle(self, *args, org, name, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {org!r}.")
        token, raw = ingest_token_create(organisation=organisation, name=name, actor=None)
        self.stdout.write(self.style.SUCCESS(f"Token {token.name!r} for {organisation.name}:"))
        self.stdout.write(raw)
        self.stdout.write("It is shown only now; Earshot keeps only its hash.")
