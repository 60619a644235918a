"""Deploy checks (`manage.py check --deploy`): what must never run in production unnoticed.

W001 the demo mode is on; W002 two-factor sign-in is off; W003 the demo accounts are loaded
and still open with the demo password (this one reads the database).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.security, deploy=True)
def demo_and_two_factor(app_configs: Any = None, **kwargs: Any) -> list:
    warnings = []
    if settings.DEMO:
        warnings.append(
            checks.Warning(
                "EARSHOT_DEMO is on: the demo mode switches two-factor sign-in off and lets "
                "`loaddemo` create accounts with a published password.",
                hint="Unset EARSHOT_DEMO in production.",
                id="earshot.W001",
            )
        )
    if not settings.TWO_FACTOR_REQUIRED:
        warnings.append(
            checks.Warning(
                "Two-factor sign-in is off (EARSHOT_TWO_FACTOR_REQUIRED): a password alone "
                "opens recordings of calls.",
                hint="Set EARSHOT_TWO_FACTOR_REQUIRED=1 (the default outside the demo).",
                id="earshot.W002",
            )
        )
    return warnings


def demo_usernames() -> list[str]:
    from earshot.demo import EXTRA_USERS, MULTI_USER, PEOPLE, demo_username
    from organisations.constants import Role

    names = [demo_username(people["prefix"], role) for people in PEOPLE.values() for role in Role]
    extra = [username for users in EXTRA_USERS.values() for username, _role in users]
    return [*names, *extra, MULTI_USER[0]]


@checks.register(checks.Tags.security, deploy=True)
def demo_accounts(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    """Only with --deploy, so the ordinary start never pays for the password hashes."""
    from earshot.demo import DEMO_PASSWORD

    try:
        users = list(get_user_model().objects.filter(username__in=demo_usernames()))
    except DatabaseError:
        return []  # not migrated or not reachable: Django's own checks and pages say so
    open_accounts = [user.username for user in users if user.check_password(DEMO_PASSWORD)]
    if not open_accounts:
        return []
    return [
        checks.Warning(
            f"The demo accounts are loaded and open with the demo password: "
            f"{', '.join(sorted(open_accounts)[:5])}{' …' if len(open_accounts) > 5 else ''}.",
            hint="Delete these accounts (or give them passwords of their own) in production.",
            id="earshot.W003",
        )
    ]
