"""The standard cast: one organisation with a user per role, and an outsider from another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import factory.random
import pytest
import time_machine
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.constants import Role
from organisations.tests.factories import OrganisationFactory, UserFactory, membership

factory.random.reseed_random("earshot")


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="ISO",
        help="run the suite as if the clock said this time (Europe/Amsterdam unless it has an "
        "offset), ticking on from there: proves no test depends on the day it runs, e.g. "
        "--clock 2028-02-29T12:00 or --clock 2026-10-25T02:30",
    )


# axe-core's checks over the run (tests/browser/conftest.py puts each test's figures on its
# teardown report): summed here, where the reports arrive, also from pytest-xdist's workers.
AXE_TOTALS = {"pages": 0, "seconds": 0.0}


def pytest_runtest_logreport(report):
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name == "axe-core":
            pages, seconds = value
            AXE_TOTALS["pages"] += pages
            AXE_TOTALS["seconds"] += seconds


def pytest_terminal_summary(terminalreporter):
    if AXE_TOTALS["pages"]:
        terminalreporter.write_line(
            f"axe-core: {AXE_TOTALS['pages']} checks of a page, "
            f"{AXE_TOTALS['seconds']:.1f} s in the browser"
        )


@pytest.fixture(autouse=True, scope="session")
def suite_clock(request):
    """With --clock, the whole run (this process and its live-server threads) starts at that
    moment; tests that need a particular date still freeze the clock themselves."""
    value = request.config.getoption("--clock")
    if not value:
        yield None
        return
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    with time_machine.travel(moment, tick=True):
        yield moment


@dataclass
class Cast:
    organisation: object
    other_organisation: object
    users: dict[str, object]
    outsider: object  # an administrator of the other organisation

    def __getitem__(self, role: str):
        return self.users[role]


@pytest.fixture(autouse=True)
def isolated_audio_storage(settings, tmp_path_factory):
    """Each test stores audio in a folder of its own, so 'nothing stored' can be checked."""
    location = tmp_path_factory.mktemp("audio")
    settings.STORAGES = {
        **settings.STORAGES,
        "audio": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    return location


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the installation's language, as a test run alone does: a request
    of an earlier test with another language (its cookie, translation.activate) leaves that
    language active on the thread, and service messages would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def isolated_audit_checkpoints(settings, tmp_path_factory):
    """Each test has its own append-only store of signed audit checkpoints: the database is
    rolled back after a test, the files are not."""
    location = tmp_path_factory.mktemp("audit-checkpoints")
    settings.AUDIT_CHECKPOINT_DIR = str(location)
    return location


@pytest.fixture(autouse=True)
def isolated_key_store(settings, tmp_path_factory):
    """Each test has its own key store (AUDIO_KEY_DIR): the rows of its keys are rolled back
    after a test, their files are not. It is initialised (its marker written), as a mounted
    key volume is."""
    from recordings.keystore import DirectoryKeyStore

    location = tmp_path_factory.mktemp("keys")
    DirectoryKeyStore(location).initialise()
    settings.AUDIO_KEY_DIR = location
    return location


@pytest.fixture
def cast(db) -> Cast:
    organisation = OrganisationFactory(slug="acme", name="Acme Klantcontact")
    other = OrganisationFactory(slug="other", name="Other Contact Centre")
    users = {}
    for role in Role:
        user = UserFactory(username=f"acme-{role.value}")
        membership(user, organisation, role)
        users[role.value] = user
    outsider = UserFactory(username="other-administrator")
    membership(outsider, other, Role.ADMINISTRATOR)
    return Cast(organisation, other, users, outsider)


def signed_in_client(user) -> Client:
    """A client signed in as the user, past the TOTP step (a confirmed device, verified)."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for():
    return signed_in_client
