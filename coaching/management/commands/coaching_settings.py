from dataclasses import replace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coaching.coaching_settings import (
    coaching_settings_get,
    coaching_settings_update,
    sample_purposes,
)
from coaching.constants import SampleMode
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Show or change an organisation's coaching settings (the same as its coaching settings "
        "page). Options left out keep their value; a change applies from the next draw."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG")
        parser.add_argument("--per-quarter", type=int, metavar="N")
        parser.add_argument("--mode", choices=SampleMode.values)
        parser.add_argument("--purpose", metavar="CODE", help="a purpose code of the register")
        parser.add_argument("--dispute-days", type=int, metavar="DAYS")
        parser.add_argument("--max-disputes", type=int, metavar="N")
        parser.add_argument("--arbiter", metavar="USERNAME", help="'' for no arbiter")

    def handle(self, *args, org, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {org!r}.")
        values = coaching_settings_get(organisation=organisation)
        changes = {}
        for name in ("per_quarter", "mode", "dispute_days", "max_disputes"):
            if options[name] is not None:
                changes[name] = options[name]
        if options["purpose"] is not None:
            purpose = sample_purposes(organisation).filter(code=options["purpose"]).first()
            if purpose is None:
                raise CommandError(f"No purpose {options['purpose']!r} in the register.")
            changes["purpose"] = purpose
        if options["arbiter"] is not None:
            arbiter = None
            if options["arbiter"]:
                arbiter = get_user_model().objects.filter(username=options["arbiter"]).first()
                if arbiter is None:
                    raise CommandError(f"No user {options['arbiter']!r}.")
            changes["arbiter"] = arbiter
        try:
            changed = coaching_settings_update(
                organisation=organisation, actor=None, new=replace(values, **changes)
            )
        except ValidationError as exc:
            raise CommandError(
                " ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        now = coaching_settings_get(organisation=organisation).as_detail()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in now.items()))
        if changed:
            self.stdout.write(
                self.style.SUCCESS(f"Coaching settings of {organisation.name} saved.")
            )
