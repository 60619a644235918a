"""Import processing activities from an Earshot JSON export, for scripted installs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from organisations.models import Organisation
from register.import_reading import MAX_BYTES
from register.importing import ImportRefused, import_plan, register_import


class Command(BaseCommand):
    help = (
        "Import processing activities from an Earshot register export (JSON) into an "
        "organisation's register. A new reference is added as version 1, a known one replaced "
        "as its next version. Any problem refuses the whole file: every problem is listed and "
        "nothing changes (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file (Export as JSON on the register page)")
        parser.add_argument("--org", required=True, metavar="SLUG", help="the organisation")
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check the file and say what would change; import nothing",
        )

    @no_translations  # commands answer in English, like the others
    def handle(self, *args, file, org, check, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {org!r}.")
        path = Path(file)
        try:
            with path.open("rb") as handle:
                content = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error
        try:
            if check:
                plan = import_plan(organisation=organisation, content=content)
                if not plan.ok:
                    raise ImportRefused(plan)
            else:
                plan = register_import(
                    organisation=organisation, actor=None, content=content, source="command"
                )
        except ImportRefused as refused:
            for problem in refused.plan.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"Refused: {len(refused.plan.problems)} problem(s); nothing was imported."
            ) from None
        for planned in plan.activities:
            reference = planned.document["reference"]
            if check:
                verb = {
                    "created": "would be added",
                    "changed": "would be changed",
                    "unchanged": "is unchanged",
                }[planned.outcome]
                self.stdout.write(f"{reference}: {verb}.")
            else:
                self.stdout.write(self.style.SUCCESS(f"{reference}: {planned.outcome}."))
        if not check:
            self.stdout.write(f"Imported {len(plan.activities)} activity(ies) into {org}.")
