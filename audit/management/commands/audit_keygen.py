from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.signing import SigningKeyError, key_generate, key_id, private_key_from, public_pem


class Command(BaseCommand):
    help = (
        "Create the Ed25519 key that signs the audit trail's checkpoints (PEM, mode 0600) if the "
        "file does not exist yet, and print its public key. Keep it outside the database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="where the private key lives")
        parser.add_argument("--public-out", metavar="FILE", help="also write the public key here")

    def handle(self, *args, path, public_out=None, **options):
        file = Path(path)
        try:
            if file.exists():
                key = private_key_from(file.read_bytes(), path)
                self.stderr.write(f"{path} exists; its public key:")
            else:
                key = key_generate(file)
                self.stderr.write(f"Created {path}; its public key:")
        except (OSError, SigningKeyError) as error:
            raise CommandError(str(error)) from error
        pem = public_pem(key.public_key())
        if public_out:
            Path(public_out).write_text(pem)
        self.stdout.write(pem + f"key id {key_id(key.public_key())}")
