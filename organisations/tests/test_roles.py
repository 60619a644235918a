"""Roles become guardian rights on the organisation; changes are audited; views obey them."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organisations.constants import Role
from organisations.models import Membership
from organisations.services import membership_change_role, membership_remove
from organisations.tests.factories import OrganisationFactory, UserFactory, membership

pytestmark = pytest.mark.django_db


def test_role_grants_exactly_its_rights_on_its_own_organisation(cast):
    officer = cast["privacy_officer"]
    assert officer.has_perm("organisations.view_audit_trail", cast.organisation)
    assert not officer.has_perm("organisations.manage_members", cast.organisation)
    assert not officer.has_perm("organisations.view_audit_trail", cast.other_organisation)
    assert not cast.outsider.has_perm("organisations.view_dashboard", cast.organisation)


def test_role_change_replaces_rights_and_is_audited(cast):
    user = cast["employee"]
    admin = cast["administrator"]
    ms = Membership.objects.get(user=user, organisation=cast.organisation)
    membership_change_role(membership=ms, role=Role.AUDITOR, actor=admin)
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert user.has_perm("organisations.view_audit_trail", cast.organisation)
    event = AuditEvent.objects.filter(action="organisations.membership.role_changed").get()
    assert event.actor_id == admin.pk
    assert event.organisation_id == cast.organisation.pk
    assert event.detail == {"user_id": user.pk, "old_role": "employee", "new_role": "auditor"}


def test_removed_member_loses_every_right(cast):
    user = cast["privacy_officer"]
    membership_remove(
        membership=Membership.objects.get(user=user, organisation=cast.organisation),
        actor=cast["administrator"],
    )
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("organisations.view_register", cast.organisation)
    assert AuditEvent.objects.filter(action="organisations.membership.removed").exists()


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.EMPLOYEE, ["Dashboard"], ["Audit trail", "Members", "Processing register"]),
        (Role.COACH, ["Dashboard"], ["Audit trail", "Members"]),
        (Role.PRIVACY_OFFICER, ["Processing register", "Audit trail"], ["Members"]),
        (Role.AUDITOR, ["Processing register", "Audit trail"], ["Members"]),
        (Role.ADMINISTRATOR, ["Processing register", "Members"], ["Audit trail"]),
    ],
)
def test_navigation_shows_only_what_the_role_allows(cast, client_for, role, visible, hidden):
    client = client_for(cast[role])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    nav = page.content.decode().split('class="mainnav"')[1].split("</nav>")[0]
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav


def test_member_without_the_right_gets_403(cast, client_for):
    response = client_for(cast["employee"]).get(reverse("audit:trail", kwargs={"org_slug": "acme"}))
    assert response.status_code == 403


def test_outsider_gets_404_for_an_existing_organisation(cast, client_for):
    response = client_for(cast.outsider).get(
        reverse("organisations:dashboard", kwargs={"org_slug": "acme"})
    )
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_administrator_changes_a_role_from_the_members_page(cast, client_for):
    target = Membership.objects.get(user=cast["coach"], organisation=cast.organisation)
    response = client_for(cast["administrator"]).post(
        reverse(
            "organisations:member_role", kwargs={"org_slug": "acme", "membership_id": target.pk}
        ),
        {"role": Role.TEAM_LEADER},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.TEAM_LEADER


def test_administrator_cannot_change_own_role(cast, client_for):
    own = Membership.objects.get(user=cast["administrator"], organisation=cast.organisation)
    client_for(cast["administrator"]).post(
        reverse("organisations:member_role", kwargs={"org_slug": "acme", "membership_id": own.pk}),
        {"role": Role.AUDITOR},
    )
    own.refresh_from_db()
    assert own.role == Role.ADMINISTRATOR


def test_unknown_role_changes_nothing(cast, client_for):
    target = Membership.objects.get(user=cast["coach"], organisation=cast.organisation)
    client_for(cast["administrator"]).post(
        reverse(
            "organisations:member_role", kwargs={"org_slug": "acme", "membership_id": target.pk}
        ),
        {"role": "superuser"},
    )
    target.refresh_from_db()
    assert target.role == Role.COACH
    assert not AuditEvent.objects.filter(action="organisations.membership.role_changed").exists()


def test_administrator_cannot_reach_a_membership_of_another_organisation(cast, client_for):
    foreign = Membership.objects.get(user=cast.outsider)
    response = client_for(cast["administrator"]).post(
        reverse(
            "organisations:member_role", kwargs={"org_slug": "acme", "membership_id": foreign.pk}
        ),
        {"role": Role.EMPLOYEE},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.ADMINISTRATOR


def test_switcher_lists_only_the_users_own_organisations(cast, client_for):
    both = UserFactory(username="both")
    membership(both, cast.organisation, Role.COACH)
    membership(both, cast.other_organisation, Role.EMPLOYEE)
    third = OrganisationFactory(name="Third Party Calls")
    page = client_for(both).get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    html = page.content.decode()
    assert 'class="switcher"' in html
    assert cast.other_organisation.name in html
    assert third.name not in html
    single = client_for(cast["coach"]).get(reverse("home"), follow=True).content.decode()
    assert 'class="switcher"' not in single


def test_home_sends_a_user_without_membership_to_an_explanation(client_for):
    response = client_for(UserFactory()).get(reverse("home"))
    assert response.status_code == 403
