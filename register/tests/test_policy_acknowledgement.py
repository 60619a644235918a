"""The recording policy: published in versions, acknowledged by every member before they go on,
its coverage on the register page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from organisations.constants import Role
from organisations.tests.factories import UserFactory, membership
from register.acknowledgement import policy_acknowledge, policy_coverage, policy_publish
from register.models import PolicyAcknowledgement
from register.tests.helpers import small_register

pytestmark = pytest.mark.django_db

TEXT = {
    "title_nl": "Beleid gespreksopname",
    "title_en": "Call recording policy",
    "text_nl": "Gesprekken worden opgenomen voor coaching. De bewaartermijn is 28 dagen.",
    "text_en": "Calls are recorded for coaching. They are kept for 28 days.",
}


def _publish(cast, **changes):
    return policy_publish(
        organisation=cast.organisation, actor=cast["privacy_officer"], **{**TEXT, **changes}
    )


def _dashboard(slug="acme"):
    return reverse("organisations:dashboard", kwargs={"org_slug": slug})


def _acknowledge_url(slug="acme"):
    return reverse("register:policy_acknowledge", kwargs={"org_slug": slug})


def test_a_member_sees_the_policy_before_anything_else_and_goes_on_after_acknowledging(
    cast, client_for
):
    policy = _publish(cast)
    client = client_for(cast["employee"])
    response = client.get(_dashboard())
    assert response.status_code == 302
    assert response["Location"] == f"{_acknowledge_url()}?next=/o/acme/"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert TEXT["text_en"] in page.content.decode()
    done = client.post(_acknowledge_url(), {"version": "1", "next": "/o/acme/"})
    assert done.status_code == 302 and done["Location"] == "/o/acme/"
    assert client.get(_dashboard()).status_code == 200
    event = AuditEvent.objects.get(action="register.policy.acknowledged")
    assert event.actor_id == cast["employee"].pk
    assert event.detail == {"version": policy.version, "language": "nl"}


def test_the_policy_is_shown_in_the_language_of_the_page(cast, client_for):
    _publish(cast)
    client = client_for(cast["coach"])
    html = client.get(_acknowledge_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert TEXT["text_nl"] in html and TEXT["text_en"] not in html


def test_a_second_click_changes_nothing(cast, client_for):
    policy = _publish(cast)
    client = client_for(cast["manager"])
    for _ in range(2):
        client.post(_acknowledge_url(), {"version": "1"})
    assert PolicyAcknowledgement.objects.filter(policy=policy).count() == 1
    assert AuditEvent.objects.filter(action="register.policy.acknowledged").count() == 1
    assert policy_acknowledge(policy=policy, user=cast["manager"], language="en") is False


def test_a_new_version_asks_everyone_again(cast, client_for):
    _publish(cast)
    client = client_for(cast["coach"])
    client.post(_acknowledge_url(), {"version": "1"})
    assert client.get(_dashboard()).status_code == 200
    _publish(cast, text_en="Calls are recorded for coaching. They are kept for 21 days.")
    response = client.get(_dashboard())
    assert response.status_code == 302 and response["Location"].startswith(_acknowledge_url())


def test_acknowledging_a_page_of_an_older_version_does_not_count_for_the_new_one(cast, client_for):
    _publish(cast)
    newer = _publish(cast, text_en="Calls are recorded for coaching and calibration.")
    client = client_for(cast["coach"])
    # The page was opened before version 2 was published.
    client.post(_acknowledge_url(), {"version": "1"})
    assert not PolicyAcknowledgement.objects.filter(user=cast["coach"]).exists()
    client.post(_acknowledge_url(), {"version": str(newer.version)})
    assert PolicyAcknowledgement.objects.get(user=cast["coach"]).policy == newer


def test_next_never_leads_off_the_site(cast, client_for):
    _publish(cast)
    client = client_for(cast["auditor"])
    response = client.post(
        _acknowledge_url(), {"version": "1", "next": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert response["Location"] == _dashboard()


def test_without_a_published_policy_nobody_is_held_up(cast, client_for):
    assert client_for(cast["employee"]).get(_dashboard()).status_code == 200


def test_another_organisations_policy_does_not_hold_up_our_members(cast, client_for):
    policy_publish(organisation=cast.other_organisation, actor=cast.outsider, **TEXT)
    assert client_for(cast["employee"]).get(_dashboard()).status_code == 200
    # The outsider cannot acknowledge or read ours, nor reach our page for theirs.
    _publish(cast)
    outsider = client_for(cast.outsider)
    assert outsider.post(_acknowledge_url("acme"), {"version": "1"}).status_code == 404
    assert not PolicyAcknowledgement.objects.filter(policy__organisation=cast.organisation)


def test_a_member_of_two_organisations_acknowledges_each(cast, client_for):
    both = UserFactory(username="both")
    membership(both, cast.organisation, Role.COACH)
    membership(both, cast.other_organisation, Role.COACH)
    _publish(cast)
    policy_publish(organisation=cast.other_organisation, actor=None, **TEXT)
    client = client_for(both)
    first = client.get(_dashboard())["Location"]
    client.post(first.split("?")[0], {"version": "1"})
    second = client.get(_dashboard())["Location"]
    assert second.split("?")[0] != first.split("?")[0]
    client.post(second.split("?")[0], {"version": "1"})
    assert client.get(_dashboard()).status_code == 200


def test_sign_in_and_the_public_paths_are_not_held_up(cast, client_for):
    _publish(cast)
    client = client_for(cast["employee"])
    assert client.get("/healthz").status_code == 200
    # The sign-in page itself answers, rather than sending them to the policy.
    assert client.get(reverse("login")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_only_the_privacy_officer_and_administrator_publish(cast, client_for):
    url = reverse("register:policy_publish", kwargs={"org_slug": "acme"})
    for role in ("coach", "manager", "auditor", "employee"):
        assert client_for(cast[role]).post(url, TEXT).status_code == 403
    response = client_for(cast["administrator"]).post(url, TEXT)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="register.policy.published").count() == 1


def test_both_languages_are_required(cast, client_for):
    url = reverse("register:policy_publish", kwargs={"org_slug": "acme"})
    response = client_for(cast["privacy_officer"]).post(url, {**TEXT, "text_en": ""})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="register.policy.published").exists()


def test_coverage_names_who_has_not_acknowledged(cast, client_for):
    small_register(cast.organisation)
    _publish(cast)
    for role in Role:
        if role not in (Role.EMPLOYEE, Role.COACH):
            policy_acknowledge(
                policy=policy_coverage(cast.organisation).policy,
                user=cast[role.value],
                language="nl",
            )
    coverage = policy_coverage(cast.organisation)
    assert coverage.members == len(Role) and coverage.acknowledged == len(Role) - 2
    assert {m.user.username for m in coverage.missing} == {"acme-employee", "acme-coach"}
    po = client_for(cast["privacy_officer"])
    page = po.get(reverse("register:policy", kwargs={"org_slug": "acme"})).content.decode()
    assert "acme-employee" in page and "acme-coach" in page and "acme-manager" not in page
    register = po.get(
        reverse("register:overview", kwargs={"org_slug": "acme"}), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = register.content.decode()
    assert "5 of 7 members, 2 not yet" in html
    # Coverage below everyone is a mismatch, shown in red with a link to who is missing.
    assert 'href="/o/acme/register/recording-policy/"' in html
    for user in (cast["employee"], cast["coach"]):
        policy_acknowledge(policy=coverage.policy, user=user, language="nl")
    assert policy_coverage(cast.organisation).complete
