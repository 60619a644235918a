"""manage.py purge [--org SLUG] [--dry-run]: the nightly purge, by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from organisations.models import Organisation
from retention.case_records import case_record_label
from retention.constants import RunTrigger
from retention.purge import dry_run, purge_organisation


def _records(cases: int | None, requests: int | None) -> str:
    if cases is None:
        return "requests, cases and disclosures: no retention period declared in the register"
    return f"would erase {cases} closed case(s) and {requests} request(s) without a case"


class Command(BaseCommand):
    help = "Erase the recordings whose retention runs out before the next scheduled purge."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Only this organisation (its short name).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be erased; change nothing."
        )

    def handle(self, *args, org=None, **options):
        organisations = Organisation.objects.order_by("slug")
        if org:
            organisations = organisations.filter(slug=org)
            if not organisations.exists():
                raise CommandError(f"No organisation with short name {org!r}.")
        failed = False
        for organisation in organisations:
            if options["dry_run"]:
                plan = dry_run(organisation)
                self.stdout.write(
                    f"{organisation.slug}: would erase {plan['due']} recording(s) "
                    f"({filesizeformat(plan['bytes'])}); {plan['held']} held; "
                    f"{plan['overdue']} overdue now; {_records(plan['cases'], plan['requests'])}"
                    + "".join(
                        f"; {case_record_label(name)} due {n}"
                        for name, n in (plan["others"] or {}).items()
                    )
                )
                continue
            run = purge_organisation(organisation, trigger=RunTrigger.COMMAND)
            self.stdout.write(
                f"{organisation.slug}: erased {run.purged} ({filesizeformat(run.bytes_freed)}), "
                f"failed {run.failed}, held {run.held}, overdue {run.overdue}, "
                f"{run.duration_seconds:.1f} s; cases erased {run.cases_erased}, requests "
                f"{run.requests_erased}, disclosures {run.disclosures_erased}, kept because a "
                f"copy would not go {run.records_failed}"
                + "".join(f", {label} erased {n}" for label, n in run.others_erased_list)
            )
            failed |= run.needs_attention
        if failed:
            raise CommandError("Not everything due was erased; see the purge report.")
