from django.core.management.base import BaseCommand, CommandError, no_translations

from recordings.management.commands._tokens import organisation_for
from recordings.models import IngestToken
from recordings.tokens import ingest_token_revoke


class Command(BaseCommand):
    help = "Revoke an ingest API token at once, by its name or its id (see list_ingest_tokens)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--name")
        which.add_argument("--id", type=int, dest="token_id")

    # Output and errors in English, as the other commands, also where a message is translatable.
    @no_translations
    def handle(self, *args, org, name, token_id, **options):
        organisation = organisation_for(org)
        token = self._find(organisation, name, token_id)
        if not ingest_token_revoke(token=token, actor=None):
            self.stdout.write(
                f"Token {token.name!r} (id {token.pk}) was revoked already, at "
                f"{token.revoked_at.isoformat(timespec='seconds')}; nothing changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Revoked token {token.name!r} (id {token.pk}) of {organisation.name}: "
                "the API refuses it from now on."
            )
        )

    def _find(self, organisation, name, token_id) -> IngestToken:
        tokens = IngestToken.objects.filter(organisation=organisation)
        if token_id is not None:
            token = tokens.filter(pk=token_id).first()
            if token is None:
                raise CommandError(f"{organisation.name} has no token with id {token_id}.")
            return token
        named = list(tokens.filter(name=name).order_by("revoked_at", "-created_at"))
        if not named:
            raise CommandError(f"{organisation.name} has no token named {name!r}.")
        in_use = [token for token in named if token.revoked_at is None]
        if len(in_use) > 1:
            ids = ", ".join(str(token.pk) for token in in_use)
            raise CommandError(f"Several tokens are named {name!r} (ids {ids}); use --id.")
        return in_use[0] if in_use else named[0]
