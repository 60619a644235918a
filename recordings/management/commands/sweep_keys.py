from django.core.management.base import BaseCommand, no_translations

from recordings.key_sweep import key_store_sweep


class Command(BaseCommand):
    help = (
        "Compare the key store (EARSHOT_KEY_DIR) with the database: destroy again keys that a "
        "restored copy of the key store brought back, destroy key files no key row stands for, "
        "and report live keys whose file is missing. Run it after every restore (docs/keys.md)."
    )

    @no_translations
    def handle(self, *args, **options):
        result = key_store_sweep()
        self.stdout.write(
            f"{len(result.resurrected)} destroyed key(s) brought back by a restore destroyed "
            f"again; {len(result.stray)} key file(s) without a key row destroyed."
        )
        for name in result.resurrected:
            self.stdout.write(f"  destroyed again: {name}")
        for name in result.stray:
            self.stdout.write(f"  without a row, destroyed: {name}")
        if result.missing:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(result.missing)} live key(s) missing from the key store: their "
                    "calls cannot be played until the key files are restored."
                )
            )
            for name in result.missing:
                self.stderr.write(f"  missing: {name}")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Every live key is in the key store."))
