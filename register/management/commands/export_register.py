"""Export an organisation's register as JSON, for scripted installs and version control."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

import audit
from organisations.models import Organisation
from register.exports import json_text


class Command(BaseCommand):
    help = (
        "Write an organisation's register (the JSON of Export as JSON on the register page) to "
        "standard output; import_register reads it into this or another installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG", help="the organisation")
        parser.add_argument(
            "--language",
            default="nl",
            choices=["nl", "en"],
            help="the language of the words beside the codes (default nl)",
        )

    def handle(self, *args, org, language, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {org!r}.")
        with translation.override(language):
            self.stdout.write(json_text(organisation))
        audit.record(
            actor=None,
            action="register.exported",
            organisation=organisation,
            detail={"format": "json", "by": "command"},
        )
