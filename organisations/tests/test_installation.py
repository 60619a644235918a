"""The installation administrator: ICT staff who create organisations and invite their first
administrator, and who see nothing of any organisation's data."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from organisations.installation import installation_admin_designate
from organisations.models import Invitation, Organisation
from organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


PASSWORD = "correct horse battery"


@pytest.fixture
def ict(db):
    user = UserFactory(username="ict-beheer")
    installation_admin_designate(user=user, actor=None)
    return user


def test_command_creates_an_installation_administrator(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a sufficiently long passphrase\n"))
    call_command(
        "create_installation_admin", "ict", "--email", "ict@example.test", "--password-stdin"
    )
    user = get_user_model().objects.get(username="ict")
    assert user.check_password("a sufficiently long passphrase")
    assert user.email == "ict@example.test"
    assert user.installation_administrator
    # Not Django's superuser: that would pass every organisation's object permissions.
    assert not user.is_superuser and not user.memberships.exists()
    event = AuditEvent.objects.get(action="organisations.installation_admin.designated")
    assert event.organisation_id is None and event.target_id == str(user.pk)


def test_command_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("12345\n"))
    with pytest.raises(CommandError):
        call_command("create_installation_admin", "ict", "--password-stdin")
    assert not get_user_model().objects.filter(username="ict").exists()


def test_command_needs_a_password_for_a_new_user():
    with pytest.raises(CommandError, match="--password-stdin"):
        call_command("create_installation_admin", "ict")


def test_command_promotes_an_existing_user_once(cast):
    call_command("create_installation_admin", "acme-employee")
    call_command("create_installation_admin", "acme-employee")
    assert cast["employee"].installation_administrator
    assert (
        AuditEvent.objects.filter(action="organisations.installation_admin.designated").count() == 1
    )


def test_installation_administrator_must_set_up_two_factor(ict):
    client = Client()
    client.post(reverse("login"), {"username": "ict-beheer", "password": PASSWORD})
    response = client.get(reverse("installation:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))


def test_home_leads_the_installation_administrator_to_the_installation(ict, client_for):
    response = client_for(ict).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("installation:overview")


def test_overview_lists_organisations_with_their_number_of_members_only(cast, ict, client_for):
    response = client_for(ict).get(reverse("installation:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Acme Klantcontact" in page and "Other Contact Centre" in page
    row = page[page.index("Acme Klantcontact") :]
    row = row[: row.index("</tr>")]
    assert "<td>7</td>" in row  # one member per role


@pytest.mark.parametrize(
    "name",
    [
        "installation:overview",
        "installation:organisation_new",
    ],
)
@pytest.mark.parametrize("role", ["administrator", "privacy_officer", "auditor", "employee"])
def test_organisation_members_are_not_installation_administrators(cast, client_for, name, role):
    client = client_for(cast[role])
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {"name": "X", "slug": "x"}).status_code == 403
    assert not Organisation.objects.filter(slug="x").exists()


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(reverse("installation:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_installation_administrator_cannot_open_an_organisation(cast, ict, client_for):
    client = client_for(ict)
    for url in (
        reverse("organisations:dashboard", kwargs={"org_slug": "acme"}),
        reverse("audit:trail", kwargs={"org_slug": "acme"}),
        reverse("register:overview", kwargs={"org_slug": "acme"}),
        reverse("access:recording_list", kwargs={"org_slug": "acme"}),
        reverse("invitations:list", kwargs={"org_slug": "acme"}),
    ):
        assert client.get(url).status_code == 404, url


def test_creates_an_organisation_in_the_browser(ict, client_for):
    client = client_for(ict)
    response = client.post(
        reverse("installation:organisation_new"),
        {"name": "Gemeente Voorbeeld KCC", "slug": "voorbeeld-kcc", "timezone": "Europe/Amsterdam"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="voorbeeld-kcc")
    assert response["Location"] == reverse(
        "installation:organisation", kwargs={"slug": "voorbeeld-kcc"}
    )
    event = AuditEvent.objects.get(action="organisations.organisation.created")
    assert event.organisation == organisation and event.actor_id == ict.pk


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name": "X", "slug": "acme", "timezone": "Europe/Amsterdam"}, "slug"),
        ({"name": "X", "slug": "Niet Goed!", "timezone": "Europe/Amsterdam"}, "slug"),
        ({"name": "", "slug": "x", "timezone": "Europe/Amsterdam"}, "name"),
        ({"name": "X", "slug": "x", "timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_organisation_input_shows_an_error_beside_the_field(cast, ict, client_for, data, field):
    before = Organisation.objects.count()
    response = client_for(ict).post(reverse("installation:organisation_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert b'class="field invalid"' in response.content
    assert Organisation.objects.count() == before


def test_invites_the_first_administrator_by_email(
    cast, ict, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(ict)
    url = reverse("installation:organisation", kwargs={"slug": "acme"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Beheer@Acme.example"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == "administrator" and invitation.invited_by == ict
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["Beheer@acme.example"]
    assert "/invitation/" in mailoutbox[0].body
    page = client.get(url).content.decode()
    assert "Beheer@acme.example" in page and "Waiting to be accepted" in page


def test_installation_administrator_revokes_an_invitation(cast, ict, client_for, mailoutbox):
    client = client_for(ict)
    client.post(reverse("installation:organisation", kwargs={"slug": "acme"}), {"email": "a@b.nl"})
    invitation = Invitation.objects.get()
    response = client.post(
        reverse("installation:invitation_revoke", kwargs={"invitation_id": invitation.pk})
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == ict
    assert AuditEvent.objects.filter(action="organisations.invitation.revoked").exists()


def test_installation_administrator_sees_no_member_invitations(cast, ict, client_for):
    from organisations.invitations import invitation_create

    invitation_create(
        organisation=cast.organisation,
        email="coach@acme.example",
        role="coach",
        actor=cast["administrator"],
    )
    client = client_for(ict)
    page = client.get(reverse("installation:organisation", kwargs={"slug": "acme"}))
    assert b"coach@acme.example" not in page.content
    invitation = Invitation.objects.get()
    response = client.post(
        reverse("installation:invitation_revoke", kwargs={"invitation_id": invitation.pk})
    )
    assert response.status_code == 404


def test_overview_does_not_count_deactivated_members(cast, ict, client_for):
    from organisations.models import Membership
    from organisations.people import membership_deactivate

    membership_deactivate(
        membership=Membership.objects.get(user=cast["coach"]), actor=cast["administrator"]
    )
    page = client_for(ict).get(reverse("installation:overview")).content.decode()
    row = page[page.index("Acme Klantcontact") :]
    assert "<td>6</td>" in row[: row.index("</tr>")]
