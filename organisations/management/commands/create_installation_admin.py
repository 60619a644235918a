import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organisations.installation import installation_admin_designate


class Command(BaseCommand):
    help = (
        "Make a user an installation administrator (creates organisations and invites their "
        "first administrators in the browser), creating the user if needed. A new user's "
        "password is read from standard input (--password-stdin), never from the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true")

    @transaction.atomic
    def handle(self, *args, username, email, password_stdin, **options):
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            if not password_stdin:
                raise CommandError(
                    f"{username} does not exist yet: pass --password-stdin and pipe a password."
                )
            user = user_model(username=username, email=email)
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            user.set_password(password)
        if email:
            user.email = email
        user.save()
        installation_admin_designate(user=user, actor=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} is an installation administrator. Sign in and open /installation/."
            )
        )
