"""manage.py purge [--org SLUG] [--dry-run]: the scheduled purge, by hand (never beside a
running one: see purge_exclusively)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.timezone import localtime

from organisations.models import Organisation
from retention.case_records import case_record_label
from retention.constants import RunStatus, RunTrigger
from retention.purge import dry_run, purge_exclusively


def _records(cases: int | None, requests: int | None) -> str:
    if cases is None:
        return "requests, cases and disclosures: no retention period declared in the register"
    return f"would erase {cases} closed case(s) and {requests} request(s) without a case"


def _only_keys_failed(run) -> bool:
    """The run erased everything due; only destroying some audio keys failed."""
    return (
        run.keys_failed > 0
        and run.status == RunStatus.FINISHED
        and not (run.failed or run.overdue or run.records_failed)
    )


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
        failed = False  # something due was not erased (or a run did not finish)
        keys_failed = 0  # audio keys that could not be destroyed (retried by the next run)
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
            done = purge_exclusively(organisation, trigger=RunTrigger.COMMAND)
            if done.skipped:
                running = done.skipped_for
                since = (
                    f" (started {localtime(running.started_at):%Y-%m-%d %H:%M})" if running else ""
                )
                self.stdout.write(
                    f"{organisation.slug}: skipped, another purge of this organisation is still "
                    f"running{since}; it erases what became due before it ends"
                )
                continue
            for run in done.runs:
                self._report(organisation, run)
                keys_failed += run.keys_failed
                failed |= run.needs_attention and not _only_keys_failed(run)
        keys_note = (
            f"{keys_failed} audio key(s) could not be destroyed; the next run tries again."
            if keys_failed
            else ""
        )
        if failed:
            raise CommandError(
                " ".join(
                    filter(
                        None, ["Not everything due was erased; see the purge report.", keys_note]
                    )
                )
            )
        if keys_failed:
            raise CommandError(keys_note)

    def _report(self, organisation, run) -> None:
        self.stdout.write(
            f"{organisation.slug}: erased {run.purged} ({filesizeformat(run.bytes_freed)}), "
            f"failed {run.failed}, held {run.held}, overdue {run.overdue}, "
            f"{run.duration_seconds:.1f} s; cases erased {run.cases_erased}, requests "
            f"{run.requests_erased}, disclosures {run.disclosures_erased}, kept because a "
            f"copy would not go {run.records_failed}"
            + "".join(f", {label} erased {n}" for label, n in run.others_erased_list)
            + f"; audio keys destroyed {run.keys_destroyed}"
            + (f", NOT destroyed {run.keys_failed} (retried)" if run.keys_failed else "")
        )
