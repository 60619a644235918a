"""Fixtures the retention tests share with the apps below: the gate's small world and a
published QM form."""

from access.tests.conftest import four_eyes, police, world  # noqa: F401
from coaching.tests.conftest import published_form  # noqa: F401
