import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from organisations.constants import Role
from organisations.models import Membership, Organisation
from organisations.people import PeopleError, role_change_request, role_gains_audio
from organisations.services import membership_change_role, membership_create

# A new user whose role may hear calls starts with the lowest role, if it hears none here.
STARTING_ROLE = Role.EMPLOYEE


class Command(BaseCommand):
    help = (
        "Give a user a role in an organisation, creating the user if needed. A new user's "
        "password is read from standard input (--password-stdin), never from the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("organisation", metavar="SLUG")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true")

    @no_translations  # commands answer in English, like the others
    @transaction.atomic
    def handle(self, *args, username, organisation, role, email, password_stdin, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with slug {organisation!r}.")
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            if not password_stdin:
                raise CommandError(
                    f"{username} does not exist yet: pass --password-stdin and pipe a password."
                )
            password = sys.stdin.readline().rstrip("\n")
            user = user_model(username=username, email=email)
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            user.set_password(password)
            user.save()
        existing = Membership.objects.filter(user=user, organisation=org).first()
        old_role = existing.role if existing else ""
        if role == old_role:
            self.stdout.write(f"{username} is already {Role(role).label} in {org.name}.")
            return
        if existing is not None and not existing.active:
            raise CommandError(f"{username} is deactivated in {org.name}.")
        # Four eyes, as in the browser: a role that may hear calls waits for another
        # administrator or the privacy officer (organisations.people).
        if not role_gains_audio(organisation=org, old_role=old_role, new_role=role):
            if existing is None:
                membership_create(user=user, organisation=org, role=role, actor=None)
            else:
                membership_change_role(membership=existing, role=role, actor=None)
            self.stdout.write(
                self.style.SUCCESS(f"{username} is {Role(role).label} in {org.name}.")
            )
            return
        if existing is None:
            if role_gains_audio(organisation=org, old_role="", new_role=STARTING_ROLE):
                raise CommandError(
                    f"{Role(role).label} may hear calls in {org.name}: invite {username} in "
                    "the browser (Members → Invite a member) so another person approves it."
                )
            existing = membership_create(
                user=user, organisation=org, role=STARTING_ROLE, actor=None
            )
        try:
            role_change_request(membership=existing, role=role, requested_by=user, actor=None)
        except PeopleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.WARNING(
                f"{username} is {Role(existing.role).label} in {org.name}. {Role(role).label} "
                "may hear calls, so that change waits for another administrator or the "
                "privacy officer to approve it in the browser (Members → Role changes)."
            )
        )
