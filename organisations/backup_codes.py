"""One-time backup codes for two-factor sign-in, on django-otp's static tokens.

A user has one StaticDevice holding their unused codes; a code is removed when it is used, and
making a new set removes the old one. The codes are shown once and stored as django-otp stores
them; nobody can read them back afterwards through Earshot.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from organisations.signals_twofactor import two_factor_changed

BACKUP_CODE_COUNT = 10
DEVICE_NAME = "Backup codes"
# django-otp's random_token(): eight characters of lower-case base32.
BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


def normalise_backup_code(text: str) -> str:
    """What the person typed, as stored: case and spaces or dashes do not matter."""
    return re.sub(r"[\s\-]", "", text or "").lower()


def backup_codes_remaining(*, user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def backup_codes_create(*, user: AbstractBaseUser, request=None) -> list[str]:
    """A new set of codes for the user; every earlier code stops working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        codes = []
        while len(codes) < BACKUP_CODE_COUNT:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        two_factor_changed.send(
            type(user),
            user=user,
            request=request,
            event="backup_codes_generated",
            remaining=len(codes),
        )
    return codes


def backup_code_use(*, user: AbstractBaseUser, code: str, request=None) -> StaticDevice | None:
    """The user's backup-code device when the code is one of theirs (it is used up), else None.

    The device row is locked first: two sign-ins with the same code at the same moment cannot
    both succeed. django-otp throttles the device after a wrong code.
    """
    code = normalise_backup_code(code)
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user).first()
        if device is None or not BACKUP_CODE.match(code) or not device.verify_token(code):
            return None
        two_factor_changed.send(
            type(user),
            user=user,
            request=request,
            event="backup_code_used",
            remaining=device.token_set.count(),
        )
    return device
