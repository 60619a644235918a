"""The setup checklist on the administrator's dashboard follows live data, item by item, from
an empty organisation to its first purge; each item links to where it is done."""

import re

import pytest
from django.urls import reverse

from access.rules import purpose_policy_save
from access.tests.conftest import register_for
from organisations.tests.factories import EmployeeFactory
from recordings.tests.factories import recording_create
from register.acknowledgement import policy_acknowledge, policy_publish
from retention.purge import purge_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _items(client) -> dict[str, tuple[str, str]]:
    """label -> (done, link) as the dashboard shows them."""
    page = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert page.status_code == 200
    html = page.content.decode()
    return {
        label: (done, url)
        for done, url, label in re.findall(
            r'<li data-done="(yes|no)">.*?<a href="([^"]+)">([^<]+)</a>', html, re.S
        )
    }


def _url(name, **kwargs):
    return reverse(name, kwargs={"org_slug": "acme", **kwargs})


def test_checklist_follows_the_organisation_from_nothing_to_its_first_purge(cast, client_for):
    client = client_for(cast["administrator"])
    organisation = cast.organisation
    items = _items(client)
    assert items == {
        "A processing activity with a retention for recordings": (
            "no",
            _url("register:activity_new"),
        ),
        "A retention for requests and cases": ("no", _url("register:activity_new")),
        "An access policy for each purpose": ("no", _url("policy:overview")),
        "Members and employees": ("no", _url("organisations:employees")),
        "The recording policy published": ("no", _url("register:policy")),
        "Calls arriving through an ingest token or the drop folder": (
            "no",
            _url("recordings_tokens:list"),
        ),
        "The first purge run": ("no", _url("retention:overview")),
    }
    assert b"Setting up: 0 of 7 done" in client.get(_url("organisations:dashboard")).content

    purposes = register_for(organisation, case_retention_days=365)
    items = _items(client)
    assert items["A processing activity with a retention for recordings"] == (
        "yes",
        _url("register:overview"),
    )
    assert items["A retention for requests and cases"][0] == "yes"
    page = client.get(_url("organisations:dashboard")).content.decode()
    assert "No policy yet for: Coaching en monitoring, Ernstig verwijtbare gedraging." in page

    purpose_policy_save(
        organisation=organisation,
        purpose=purposes["misconduct"],
        actor=None,
        rule_fields={"requester_roles": ["manager"], "approver_roles": ["privacy_officer"]},
        disclosure_recipients=[],
        standing={},
    )
    assert (
        "No policy yet for: Coaching en monitoring."
        in client.get(_url("organisations:dashboard")).content.decode()
    )
    purpose_policy_save(
        organisation=organisation,
        purpose=purposes["coaching"],
        actor=None,
        rule_fields={},
        disclosure_recipients=[],
        standing={"coach": "coached_teams"},
    )
    assert _items(client)["An access policy for each purpose"][0] == "yes"

    assert _items(client)["Members and employees"] == ("no", _url("organisations:employees"))
    EmployeeFactory(organisation=organisation)
    assert _items(client)["Members and employees"][0] == "yes"

    policy = policy_publish(
        organisation=organisation,
        actor=cast["administrator"],
        title_nl="Opnamebeleid",
        title_en="Recording policy",
        text_nl="Wij nemen gesprekken op.",
        text_en="We record calls.",
    )
    policy_acknowledge(policy=policy, user=cast["administrator"], language="en")
    assert _items(client)["The recording policy published"][0] == "yes"

    recording_create(organisation=organisation)
    assert _items(client)["Calls arriving through an ingest token or the drop folder"][0] == "yes"

    purge_organisation(organisation)
    assert all(done == "yes" for done, _link in _items(client).values())
    assert b"Setup complete" in client.get(_url("organisations:dashboard")).content


def test_another_organisations_data_ticks_nothing(cast, client_for):
    register_for(cast.other_organisation, case_retention_days=365)
    recording_create(organisation=cast.other_organisation)
    purge_organisation(cast.other_organisation)
    EmployeeFactory(organisation=cast.other_organisation)
    items = _items(client_for(cast["administrator"]))
    assert all(done == "no" for done, _link in items.values())


@pytest.mark.parametrize(
    "role", ["employee", "coach", "team_leader", "manager", "privacy_officer", "auditor"]
)
def test_only_the_administrator_sees_the_checklist(cast, client_for, role):
    page = client_for(cast[role]).get(_url("organisations:dashboard"))
    assert page.status_code == 200
    assert b"data-setup-checklist" not in page.content


def test_an_organisation_with_only_its_administrator_is_sent_to_the_members(client_for):
    from organisations.tests.factories import OrganisationFactory, UserFactory, membership

    organisation = OrganisationFactory(slug="acme", name="Acme")
    admin = UserFactory(username="beheer")
    membership(admin, organisation, "administrator")
    items = _items(client_for(admin))
    assert items["Members and employees"] == ("no", _url("organisations:members"))
    assert (
        b"1 member, 0 employees." in client_for(admin).get(_url("organisations:dashboard")).content
    )
