from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import (
    CheckpointError,
    Kind,
    checkpoints_after_restore,
    checkpoints_write,
    store_path,
)
from audit.services import chain_key_for
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Sign a checkpoint of each audit chain head (or one organisation's) into the store."

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG", help="only this organisation's chain")
        parser.add_argument(
            "--after-restore",
            action="store_true",
            help="the database was restored from a backup: record that on each chain and sign "
            "the restored state; earlier checkpoints past it no longer count",
        )

    def handle(self, *args, org=None, after_restore=False, **options):
        keys = None
        if org:
            organisation = Organisation.objects.filter(slug=org).first()
            if organisation is None:
                raise CommandError(f"No organisation with slug {org!r}.")
            keys = [chain_key_for(organisation)]
        try:
            if after_restore:
                written = checkpoints_after_restore(keys=keys)
            else:
                written = checkpoints_write(kind=Kind.COMMAND, keys=keys)
        except CheckpointError as error:
            raise CommandError(f"No checkpoint written: {error}") from error
        for checkpoint in written:
            self.stdout.write(
                f"{checkpoint.chain}: sequence {checkpoint.last_sequence}, "
                f"hash {checkpoint.last_hash[:16]}…, signed by key {checkpoint.key_id}"
            )
        self.stdout.write(f"{len(written)} checkpoint(s) appended to {store_path()}.")
