from django.core.management.base import BaseCommand, no_translations
from django.utils import timezone

from recordings.management.commands._tokens import organisation_for
from recordings.tokens import ingest_tokens_of_organisation


def _when(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else "-"


class Command(BaseCommand):
    help = "List an organisation's ingest API tokens: id, status, name, dates (never the token)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG")

    # Output and errors in English, as the other commands, also where a message is translatable.
    @no_translations
    def handle(self, *args, org, **options):
        organisation = organisation_for(org)
        now = timezone.now()
        tokens = list(ingest_tokens_of_organisation(organisation=organisation))
        if not tokens:
            self.stdout.write(f"{organisation.name} has no ingest tokens.")
            return
        self.stdout.write("id\tstatus\tname\tcreated\tcreated_by\tlast_used\texpires\trevoked")
        for token in tokens:
            creator = token.created_by.get_username() if token.created_by else "-"
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.status_at(now).value,
                        token.name,
                        _when(token.created_at),
                        creator,
                        _when(token.last_used_at),
                        _when(token.expires_at),
                        _when(token.revoked_at),
                    ]
                )
            )
