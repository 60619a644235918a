from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from recordings.management.commands._tokens import organisation_for, parse_expiry
from recordings.tokens import ingest_token_create


class Command(BaseCommand):
    help = "Create an API token with which a recorder or PBX pushes calls for one organisation."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG")
        parser.add_argument("--name", required=True, help="which recorder or PBX uses it")
        parser.add_argument(
            "--expires",
            metavar="WHEN",
            help="YYYY-MM-DD (00:00 that day) or an ISO 8601 date and time, in the "
            "organisation's time zone unless it names an offset; default: no expiry",
        )

    # Output and errors in English, as the other commands, also where a message is translatable.
    @no_translations
    def handle(self, *args, org, name, expires, **options):
        organisation = organisation_for(org)
        expires_at = parse_expiry(expires, organisation) if expires else None
        try:
            token, raw = ingest_token_create(
                organisation=organisation, name=name, expires_at=expires_at, actor=None
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "expires_at" in exc.error_dict:
                problem = " ".join(exc.message_dict["expires_at"])
                raise CommandError(f"--expires {expires!r}: {problem}") from exc
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Token {token.name!r} for {organisation.name}:"))
        self.stdout.write(raw)
        self.stdout.write("It is shown only now; Earshot keeps only its hash.")
        if token.expires_at is not None:
            self.stdout.write(f"It expires at {token.expires_at.isoformat()}.")
