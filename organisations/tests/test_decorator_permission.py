"""The organisation views' one-statement check (membership and right together, issue 18) must
answer what the membership lookup plus guardian's has_perm answered: these tests try to make it
say yes where it said no, and the other way round."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from organisations.constants import Role
from organisations.models import Membership
from organisations.people import membership_deactivate
from organisations.permission_check import membership_with_permission
from organisations.roles import ALL_ROLE_PERMISSIONS, VIEW_AUDIT_TRAIL, VIEW_DASHBOARD
from organisations.services import membership_remove
from organisations.tests.factories import OrganisationFactory, UserFactory, membership

pytestmark = pytest.mark.django_db


def _trail(slug: str) -> str:
    return reverse("audit:trail", kwargs={"org_slug": slug})


def _dashboard(slug: str) -> str:
    return reverse("organisations:dashboard", kwargs={"org_slug": slug})


def _same_as_guardian(user, organisation) -> None:
    """For every right: the one statement agrees with user.has_perm (fresh, no cache)."""
    user = type(user).objects.get(pk=user.pk)
    for codename in sorted(ALL_ROLE_PERMISSIONS):
        found, granted = membership_with_permission(
            user=user, slug=organisation.slug, codename=codename
        )
        assert found is not None
        assert granted == user.has_perm(f"organisations.{codename}", organisation), codename


def test_every_role_and_right_agrees_with_guardian(cast):
    for role in Role:
        _same_as_guardian(cast[role.value], cast.organisation)


def test_a_right_on_another_organisation_opens_nothing_here(cast, client_for):
    """An employee of acme who holds the audit trail right on `other` (where they are no
    member) reads neither trail: acme's is 403 (no right there), other's 404 (no member)."""
    employee = cast["employee"]
    assign_perm(f"organisations.{VIEW_AUDIT_TRAIL}", employee, cast.other_organisation)
    client = client_for(employee)
    assert client.get(_trail("acme")).status_code == 403
    assert client.get(_trail("other")).status_code == 404
    _, granted = membership_with_permission(user=employee, slug="acme", codename=VIEW_AUDIT_TRAIL)
    assert not granted


def test_member_of_two_organisations_gets_each_ones_role(cast, client_for):
    """Privacy officer at acme (may read the trail), employee at other (may not): each URL
    answers by the membership of its own organisation, and the view gets that membership."""
    officer = cast["privacy_officer"]
    membership(officer, cast.other_organisation, Role.EMPLOYEE)
    client = client_for(officer)
    assert client.get(_trail("acme")).status_code == 200
    assert client.get(_trail("other")).status_code == 403
    assert client.get(_dashboard("other")).status_code == 200
    for slug, role in (("acme", Role.PRIVACY_OFFICER), ("other", Role.EMPLOYEE)):
        found, granted = membership_with_permission(
            user=officer, slug=slug, codename=VIEW_DASHBOARD
        )
        assert granted
        assert found.organisation.slug == slug
        assert found.role == role
        assert found == Membership.objects.get(user=officer, organisation__slug=slug)
    _same_as_guardian(officer, cast.other_organisation)


def test_the_view_gets_the_membership_and_organisation_of_the_url(cast, client_for):
    officer = cast["privacy_officer"]
    membership(officer, cast.other_organisation, Role.EMPLOYEE)
    page = client_for(officer).get(_dashboard("other"))
    assert page.status_code == 200
    request = page.wsgi_request
    assert request.organisation == cast.other_organisation
    assert request.organisation.timezone == cast.other_organisation.timezone
    assert request.membership.role == Role.EMPLOYEE
    assert request.membership.organisation is request.organisation
    assert request.membership.created_at is not None and request.membership.active is True
    assert request.session["last_organisation"] == "other"


def test_a_deactivated_member_gets_404_even_with_rights_left_behind(cast, client_for):
    """Deactivation removes the rights; a right left behind (a hand-made row, an old release)
    still opens nothing: only an active membership counts, as before."""
    user = cast["privacy_officer"]
    client = client_for(user)
    assert client.get(_trail("acme")).status_code == 200
    ms = Membership.objects.get(user=user, organisation=cast.organisation)
    membership_deactivate(membership=ms, actor=cast["administrator"])
    assert client.get(_trail("acme")).status_code == 404
    assign_perm(f"organisations.{VIEW_AUDIT_TRAIL}", user, cast.organisation)
    assert client.get(_trail("acme")).status_code == 404
    assert client.get(_dashboard("acme")).status_code == 404
    assert membership_with_permission(user=user, slug="acme", codename=VIEW_AUDIT_TRAIL) == (
        None,
        False,
    )


def test_an_ended_membership_gets_404_on_the_next_request(cast, client_for):
    user = cast["manager"]
    client = client_for(user)
    assert client.get(_dashboard("acme")).status_code == 200
    membership_remove(
        membership=Membership.objects.get(user=user, organisation=cast.organisation),
        actor=cast["administrator"],
    )
    assert client.get(_dashboard("acme")).status_code == 404


def test_a_right_removed_mid_session_refuses_the_next_request(cast, client_for):
    user = cast["auditor"]
    client = client_for(user)
    assert client.get(_trail("acme")).status_code == 200
    remove_perm(f"organisations.{VIEW_AUDIT_TRAIL}", user, cast.organisation)
    assert client.get(_trail("acme")).status_code == 403
    # and given back, the next request opens again (nothing cached across requests)
    assign_perm(f"organisations.{VIEW_AUDIT_TRAIL}", user, cast.organisation)
    assert client.get(_trail("acme")).status_code == 200


def test_an_unknown_organisation_and_an_outsider_get_the_same_404(cast, client_for):
    client = client_for(cast.outsider)
    assert client.get(_dashboard("acme")).status_code == 404
    assert client.get(_dashboard("no-such-org")).status_code == 404
    # a slug that looks like SQL is a parameter, not a statement (the URL refuses it anyway)
    assert membership_with_permission(
        user=cast["employee"], slug="acme' OR '1'='1", codename=VIEW_DASHBOARD
    ) == (None, False)


def test_a_group_right_counts_as_guardian_counts_it(cast, client_for):
    """Earshot assigns no group rights, but guardian honours one; so does the check."""
    employee = cast["employee"]
    group = Group.objects.create(name="trail readers")
    employee.groups.add(group)
    client = client_for(employee)
    assert client.get(_trail("acme")).status_code == 403
    assign_perm(f"organisations.{VIEW_AUDIT_TRAIL}", group, cast.other_organisation)
    assert client.get(_trail("acme")).status_code == 403  # the group's right is on other
    assign_perm(f"organisations.{VIEW_AUDIT_TRAIL}", group, cast.organisation)
    assert client.get(_trail("acme")).status_code == 200
    _same_as_guardian(employee, cast.organisation)
    employee.groups.remove(group)
    assert client.get(_trail("acme")).status_code == 403


def test_superuser_and_inactive_user_as_django_decides(cast):
    """An active superuser holds every right where they are a member (Earshot makes none);
    an inactive user holds none, whatever rows they have."""
    boss = UserFactory(username="superuser", is_superuser=True)
    membership(boss, cast.organisation, Role.EMPLOYEE)
    _same_as_guardian(boss, cast.organisation)
    _, granted = membership_with_permission(user=boss, slug="acme", codename=VIEW_AUDIT_TRAIL)
    assert granted
    # a superuser is still no member of an organisation they are not in: 404 as before
    assert membership_with_permission(user=boss, slug="other", codename=VIEW_DASHBOARD) == (
        None,
        False,
    )
    officer = cast["privacy_officer"]
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    found, granted = membership_with_permission(
        user=officer, slug="acme", codename=VIEW_AUDIT_TRAIL
    )
    assert found is not None and not granted
    _same_as_guardian(officer, cast.organisation)


def test_a_membership_made_now_opens_at_once(cast, client_for):
    """A new organisation: the member's rights there are rows created now, read at once."""
    user = cast["employee"]
    client = client_for(user)
    fresh = OrganisationFactory(slug="fresh")
    assert client.get(_dashboard("fresh")).status_code == 404
    membership(user, fresh, Role.AUDITOR)
    assert client.get(_trail("fresh")).status_code == 200
