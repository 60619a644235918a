from django.core.management.base import BaseCommand, CommandError, no_translations

from recordings.key_sweep import STRAY_GRACE_SECONDS, key_store_sweep
from recordings.keystore import KeyUnavailable

#: Exit status: bits, so one run answers both questions.
MISSING = 1  # a live key's file is missing or damaged: its calls cannot be played
LEFT = 2  # a key that should be destroyed is still there (report only, or refused)


class Command(BaseCommand):
    help = (
        "Compare the key store (EARSHOT_KEY_DIR) with the database and report: keys that a "
        "restored copy of the key store brought back (their row says destroyed), key files no "
        "key row stands for, and live keys whose file is missing or damaged. Changes nothing "
        "unless --destroy is given. Exit status: 0 all well; 1 live keys missing or damaged; "
        "2 keys to destroy "
        "left (report only, or refused); 3 both (docs/keys.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--destroy",
            action="store_true",
            help="Destroy the keys brought back by a restore, and key files without a row "
            f"older than {STRAY_GRACE_SECONDS // 3600} hours.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --destroy: destroy key files without a row even when the database looks "
            "older than the key store (its newest key row more than a day older than the newest "
            "key file). Only when you are sure this is the right, current database.",
        )

    @no_translations
    def handle(self, *args, destroy=False, force=False, **options):
        try:
            result = key_store_sweep(destroy=destroy, force=force)
        except KeyUnavailable as error:  # the store's marker is missing: volume not mounted
            raise CommandError(str(error), returncode=1) from None
        done = set(result.destroyed)
        status = 0
        for name in result.resurrected:
            if name in done:
                self.stdout.write(f"  destroyed again (brought back by a restore): {name}")
            else:
                self.stdout.write(f"  destroyed, but present again (a restore): {name}")
        for name in result.stray:
            if name in done:
                self.stdout.write(f"  without a key row, destroyed: {name}")
            else:
                self.stdout.write(f"  without a key row: {name}")
        for name in result.young_strays:
            self.stdout.write(
                f"  without a key row, younger than {STRAY_GRACE_SECONDS // 3600} hours "
                f"(perhaps a transaction still running), left: {name}"
            )
        if result.database_older and result.stray:
            self.stderr.write(self.style.WARNING(result.database_older))
            if destroy and force:
                self.stderr.write("With --force, key files without a row were destroyed anyway.")
            elif destroy:
                self.stderr.write(
                    "Key files without a row were not destroyed. Restore the right database, "
                    "or, if this is it, run again with --destroy --force."
                )
            else:
                self.stderr.write("Key files without a row would not be destroyed without --force.")
        if result.missing:
            status |= MISSING
            self.stderr.write(
                self.style.WARNING(
                    f"{len(result.missing)} live key(s) missing from the key store: their "
                    "calls cannot be played until the key files are restored."
                )
            )
            for name in result.missing:
                self.stderr.write(f"  missing: {name}")
        if result.damaged:
            status |= MISSING
            self.stderr.write(
                self.style.WARNING(
                    f"{len(result.damaged)} live key(s) damaged in the key store (checksum wrong "
                    "or unreadable): their calls cannot be played until the key files are "
                    "restored."
                )
            )
            for name in result.damaged:
                self.stderr.write(f"  key damaged: {name}")
        left = result.left
        if left:
            status |= LEFT
            hint = "" if destroy else " Run again with --destroy to destroy them."
            self.stderr.write(
                self.style.WARNING(f"{len(left)} key file(s) that should go are still there.{hint}")
            )
        self.stdout.write(
            f"{len(result.destroyed)} key file(s) destroyed; {len(left)} left to destroy; "
            f"{len(result.missing)} live key(s) missing; {len(result.damaged)} damaged."
        )
        if status:
            raise SystemExit(status)
        self.stdout.write(self.style.SUCCESS("Every live key is in the key store."))
