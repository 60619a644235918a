from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.employees_import import ImportFileError, employees_import, preview
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Import employees with their PBX agent ids and teams from a CSV file (columns: name, "
        "agent_id, team, username). Every row is checked first; nothing is imported while any "
        "row has an error. --dry-run only checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG")
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, org, file, dry_run, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {org!r}.")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            result = preview(organisation=organisation, data=data)
            if result.valid and not dry_run:
                result = employees_import(organisation=organisation, text=result.text, actor=None)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        count = f"{len(result.rows)} employee{'' if len(result.rows) == 1 else 's'}"
        for row in result.rows:
            for error in row.errors:
                self.stderr.write(f"line {row.line}: {error}")
        if not result.valid:
            raise CommandError(
                f"{result.error_count} of {len(result.rows)} rows have errors; nothing imported."
            )
        if dry_run:
            self.stdout.write(f"{count}: valid; nothing imported (dry run).")
        else:
            self.stdout.write(f"Imported {count} into {organisation.slug}.")
