"""Teams, employees, deactivation and four-eyes role changes in the browser."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from access.constants import Scope
from access.models import StandingRight
from access.policy import recordings_visible_to
from access.tests.conftest import register_for
from audit.models import AuditEvent
from organisations.models import Employee, Membership, RoleChangeRequest, Team
from organisations.tests.factories import EmployeeFactory, TeamFactory, UserFactory, membership
from recordings.models import Recording
from recordings.tests.factories import recording_create, wav_bytes
from recordings.tests.test_api import push
from recordings.tokens import ingest_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """The messages are asserted in English, whatever the installation's default language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(name, cast, **kwargs):
    return reverse(f"organisations:{name}", kwargs={"org_slug": cast.organisation.slug, **kwargs})


def member(cast, role) -> Membership:
    return Membership.objects.get(user=cast[role], organisation=cast.organisation)


def actions(cast) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=cast.organisation)
        .order_by("pk")
        .values_list("action", flat=True)
    )


# The permission matrix ---------------------------------------------------------------------

ADMIN_ONLY = [
    ("teams", {}),
    ("team_edit", {"team_id": "team"}),
    ("employees", {}),
    ("employee_import", {}),
    ("employee_edit", {"employee_id": "employee"}),
    ("employee_deactivate", {"employee_id": "employee"}),
    ("member_deactivate", {"membership_id": "membership"}),
    ("member_role", {"membership_id": "membership"}),
]
DECIDERS_ONLY = [
    ("role_changes", {}),
    ("role_change_decision", {"change_id": "change"}),
]
ROLES = [
    "employee",
    "coach",
    "team_leader",
    "manager",
    "privacy_officer",
    "administrator",
    "auditor",
]


def _objects(cast, organisation):
    team = TeamFactory(organisation=organisation)
    admin = Membership.objects.filter(organisation=organisation, role="administrator").first()
    target = Membership.objects.filter(organisation=organisation).exclude(pk=admin.pk).first()
    if target is None:
        target = membership(UserFactory(), organisation, "employee")
    change = RoleChangeRequest.objects.create(
        organisation=organisation,
        membership=target,
        old_role=target.role,
        new_role="coach",
        requested_by=admin.user,
    )
    return {
        "team": team.pk,
        "employee": EmployeeFactory(organisation=organisation, team=team).pk,
        "membership": target.pk,
        "change": change.pk,
    }


def _resolve(name, cast, spec, objects):
    return url(name, cast, **{key: objects[value] for key, value in spec.items()})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,spec", ADMIN_ONLY + DECIDERS_ONLY, ids=lambda v: str(v))
def test_only_the_administrator_reaches_the_people_pages(cast, client_for, role, name, spec):
    objects = _objects(cast, cast.organisation)
    allowed = role == "administrator" or (
        role == "privacy_officer" and (name, spec) in DECIDERS_ONLY
    )
    client = client_for(cast[role])
    address = _resolve(name, cast, spec, objects)
    # GET where the page has one, POST for the actions (an empty POST changes nothing).
    method = (
        "post"
        if name
        in ("employee_deactivate", "member_deactivate", "member_role", "role_change_decision")
        else "get"
    )
    response = getattr(client, method)(address, {"decision": "deny"} if method == "post" else None)
    if allowed:
        assert response.status_code in (200, 302), (name, role)
    else:
        assert response.status_code == 403, (name, role)


@pytest.mark.parametrize(
    "name,spec", [p for p in ADMIN_ONLY + DECIDERS_ONLY if p[1]], ids=lambda v: str(v)
)
def test_another_organisations_ids_answer_404(cast, client_for, name, spec):
    foreign = _objects(cast, cast.other_organisation)
    client = client_for(cast["administrator"])
    address = _resolve(name, cast, spec, foreign)
    assert client.get(address).status_code in (404, 405)
    assert client.post(address, {"decision": "approve", "role": "coach"}).status_code == 404
    assert not Employee.objects.filter(organisation=cast.other_organisation, active=False).exists()
    assert RoleChangeRequest.objects.get(pk=foreign["change"]).status == "pending"


@pytest.mark.parametrize("name,spec", ADMIN_ONLY + DECIDERS_ONLY, ids=lambda v: str(v))
def test_a_user_of_another_organisation_gets_404(cast, client_for, name, spec):
    objects = _objects(cast, cast.organisation)
    client = client_for(cast.outsider)
    address = _resolve(name, cast, spec, objects)
    assert client.get(address).status_code in (404, 405)
    assert client.post(address, {"decision": "approve"}).status_code == 404


# Teams -------------------------------------------------------------------------------------


def test_administrator_creates_a_team_with_a_coach_who_then_hears_its_calls(cast, client_for):
    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope=Scope.COACHED_TEAMS,
    )
    client = client_for(cast["administrator"])
    coach = member(cast, "coach")
    response = client.post(url("teams", cast), {"name": "Team Noord", "coaches": [coach.pk]})
    assert response.status_code == 302
    team = Team.objects.get(organisation=cast.organisation, name="Team Noord")
    assert list(coach.teams.all()) == [team]
    call = recording_create(
        organisation=cast.organisation,
        employee=EmployeeFactory(organisation=cast.organisation, team=team),
    )
    assert call in recordings_visible_to(membership=coach)
    page = client.get(url("teams", cast))
    assert "Team Noord" in page.content.decode()
    assert "organisations.team.created" in actions(cast)


def test_renaming_a_team_and_removing_its_coach(cast, client_for):
    team = TeamFactory(organisation=cast.organisation, name="Oud")
    coach = member(cast, "coach")
    coach.teams.add(team)
    client = client_for(cast["administrator"])
    response = client.post(url("team_edit", cast, team_id=team.pk), {"name": "Nieuw"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Nieuw"
    assert not coach.teams.exists()
    event = AuditEvent.objects.filter(action="organisations.team.changed").get()
    assert event.detail == {"renamed": True, "coach_ids": []}


def test_only_coaches_can_be_chosen_as_a_teams_coaches(cast, client_for):
    client = client_for(cast["administrator"])
    manager = member(cast, "manager")
    response = client.post(url("teams", cast), {"name": "Team Zuid", "coaches": [manager.pk]})
    assert response.status_code == 200
    assert "coaches" in response.context["form"].errors
    assert not Team.objects.filter(name="Team Zuid").exists()


def test_a_duplicate_team_name_is_refused_beside_the_field(cast, client_for):
    TeamFactory(organisation=cast.organisation, name="Team Noord")
    response = client_for(cast["administrator"]).post(url("teams", cast), {"name": "Team Noord"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Team.objects.filter(organisation=cast.organisation, name="Team Noord").count() == 1


# Employees ---------------------------------------------------------------------------------


def test_administrator_adds_an_employee_who_then_hears_own_calls(cast, client_for):
    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="employee",
        scope=Scope.OWN_CALLS,
    )
    team = TeamFactory(organisation=cast.organisation)
    client = client_for(cast["administrator"])
    response = client.post(
        url("employees", cast),
        {
            "name": "Fatima el Amrani",
            "team": team.pk,
            "pbx_agent_id": "4012",
            "user": cast["employee"].pk,
        },
    )
    assert response.status_code == 302
    employee = Employee.objects.get(organisation=cast.organisation, pbx_agent_id="4012")
    assert (employee.name, employee.team, employee.user) == (
        "Fatima el Amrani",
        team,
        cast["employee"],
    )
    call = recording_create(organisation=cast.organisation, employee=employee)
    assert call in recordings_visible_to(membership=member(cast, "employee"))
    event = AuditEvent.objects.get(action="organisations.employee.created")
    assert event.detail == {
        "team_id": team.pk,
        "user_id": cast["employee"].pk,
        "has_agent_id": True,
    }


def test_an_employee_cannot_sign_in_as_a_user_of_another_organisation(cast, client_for):
    response = client_for(cast["administrator"]).post(
        url("employees", cast), {"name": "X", "pbx_agent_id": "1", "user": cast.outsider.pk}
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not Employee.objects.filter(organisation=cast.organisation).exists()


def test_an_agent_id_of_another_active_employee_is_refused(cast, client_for):
    EmployeeFactory(organisation=cast.organisation, pbx_agent_id="4012")
    response = client_for(cast["administrator"]).post(
        url("employees", cast), {"name": "Tweede", "pbx_agent_id": "4012"}
    )
    assert response.status_code == 200
    assert "pbx_agent_id" in response.context["form"].errors


def test_editing_an_employee_changes_team_agent_id_and_account(cast, client_for):
    employee = EmployeeFactory(organisation=cast.organisation, pbx_agent_id="1")
    team = TeamFactory(organisation=cast.organisation)
    response = client_for(cast["administrator"]).post(
        url("employee_edit", cast, employee_id=employee.pk),
        {"name": "Nieuwe Naam", "team": team.pk, "pbx_agent_id": "2", "user": cast["coach"].pk},
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert (employee.name, employee.team, employee.pbx_agent_id, employee.user) == (
        "Nieuwe Naam",
        team,
        "2",
        cast["coach"],
    )
    assert "organisations.employee.changed" in actions(cast)


def test_a_deactivated_employee_keeps_old_calls_and_gets_no_new_ones(cast, client_for):
    register_for(cast.organisation)
    _, raw = ingest_token_create(organisation=cast.organisation, name="PBX", actor=None)
    leaver = EmployeeFactory(organisation=cast.organisation, pbx_agent_id="4012")
    old_call = recording_create(organisation=cast.organisation, employee=leaver)
    response = client_for(cast["administrator"]).post(
        url("employee_deactivate", cast, employee_id=leaver.pk)
    )
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.active is False
    old_call.refresh_from_db()
    assert old_call.employee == leaver

    def metadata(call_id):
        return json.dumps(
            {
                "call_id": call_id,
                "direction": "in",
                "started_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                "agent_id": "4012",
            }
        )

    refused = push(raw, metadata=metadata("after-leaving"))
    assert refused.status_code == 400
    assert "deactivated" in refused.content.decode()
    assert not Recording.objects.filter(call_id="after-leaving").exists()
    # A successor may be given the agent id; new calls are theirs.
    successor = EmployeeFactory(organisation=cast.organisation, pbx_agent_id="4012")
    accepted = push(raw, metadata=metadata("successor-call"), audio=wav_bytes(seed=77))
    assert accepted.status_code == 201, accepted.content
    assert Recording.objects.get(call_id="successor-call").employee == successor
    assert "organisations.employee.deactivated" in actions(cast)


def test_employee_list_hides_deactivated_unless_asked(cast, client_for):
    EmployeeFactory(organisation=cast.organisation, name="Actief Persoon")
    EmployeeFactory(organisation=cast.organisation, name="Oud Persoon", active=False)
    client = client_for(cast["administrator"])
    page = client.get(url("employees", cast)).content.decode()
    assert "Actief Persoon" in page and "Oud Persoon" not in page
    page = client.get(url("employees", cast) + "?show=all").content.decode()
    assert "Oud Persoon" in page


# Members -----------------------------------------------------------------------------------


def test_a_deactivated_member_loses_every_right_and_stays_in_the_trail(cast, client_for):
    coach = member(cast, "coach")
    client = client_for(cast["administrator"])
    response = client.post(url("member_deactivate", cast, membership_id=coach.pk))
    assert response.status_code == 302
    coach.refresh_from_db()
    assert coach.active is False and coach.deactivated_at is not None
    assert Membership.objects.filter(pk=coach.pk).exists()
    assert not cast["coach"].has_perm("organisations.view_dashboard", cast.organisation)
    assert client_for(cast["coach"]).get(url("dashboard", cast)).status_code == 404
    event = AuditEvent.objects.get(action="organisations.membership.deactivated")
    assert event.detail == {"user_id": cast["coach"].pk, "role": "coach"}
    page = client.get(url("members", cast)).content.decode()
    assert "acme-coach" in page


def test_a_deactivated_member_gets_no_rights_back_at_the_next_migrate(cast):
    from organisations.people import membership_deactivate
    from organisations.services import membership_sync_permissions

    membership_deactivate(membership=member(cast, "coach"), actor=cast["administrator"])
    membership_sync_permissions()
    assert not cast["coach"].has_perm("organisations.view_dashboard", cast.organisation)


def test_an_administrator_cannot_deactivate_themselves(cast, client_for):
    admin = member(cast, "administrator")
    client_for(cast["administrator"]).post(url("member_deactivate", cast, membership_id=admin.pk))
    admin.refresh_from_db()
    assert admin.active is True


def test_a_deactivated_approver_is_not_asked(cast):
    from access.four_eyes import eligible_approvers
    from access.models import AccessRequest, PurposeRule
    from organisations.people import membership_deactivate

    purposes = register_for(cast.organisation)
    PurposeRule.objects.create(
        organisation=cast.organisation,
        purpose=purposes["misconduct"],
        requester_roles=["manager"],
        approver_roles=["privacy_officer", "team_leader"],
        grant_hours=48,
    )
    request = AccessRequest(
        organisation=cast.organisation, requester=cast["manager"], purpose=purposes["misconduct"]
    )
    assert set(eligible_approvers(request)) == {cast["privacy_officer"], cast["team_leader"]}
    membership_deactivate(membership=member(cast, "privacy_officer"), actor=cast["administrator"])
    assert set(eligible_approvers(request)) == {cast["team_leader"]}


# Four eyes on role changes ----------------------------------------------------------------


@pytest.fixture
def coaches_may_listen(cast):
    purposes = register_for(cast.organisation)
    StandingRight.objects.create(
        organisation=cast.organisation,
        purpose=purposes["coaching"],
        role="coach",
        scope=Scope.COACHED_TEAMS,
    )


def test_a_role_without_audio_changes_at_once(cast, client_for, coaches_may_listen):
    target = member(cast, "auditor")
    client_for(cast["administrator"]).post(
        url("member_role", cast, membership_id=target.pk), {"role": "team_leader"}
    )
    target.refresh_from_db()
    assert target.role == "team_leader"
    assert "organisations.membership.role_changed" in actions(cast)


def test_a_role_that_may_listen_waits_for_a_second_person(cast, client_for, coaches_may_listen):
    second_admin = UserFactory(username="acme-admin-2")
    membership(second_admin, cast.organisation, "administrator")
    target = member(cast, "auditor")
    first = client_for(cast["administrator"])
    first.post(url("member_role", cast, membership_id=target.pk), {"role": "coach"})
    target.refresh_from_db()
    assert target.role == "auditor"
    assert not cast["auditor"].has_perm("organisations.evaluate_calls", cast.organisation)
    change = RoleChangeRequest.objects.get(membership=target)
    assert change.status == "pending"

    # The one who asked cannot approve.
    first.post(url("role_change_decision", cast, change_id=change.pk), {"decision": "approve"})
    change.refresh_from_db()
    assert change.status == "pending"

    client_for(second_admin).post(
        url("role_change_decision", cast, change_id=change.pk), {"decision": "approve"}
    )
    change.refresh_from_db()
    target.refresh_from_db()
    assert change.status == "approved" and change.decided_by == second_admin
    assert target.role == "coach"
    assert cast["auditor"].has_perm("organisations.evaluate_calls", cast.organisation)
    trail = actions(cast)
    assert (
        trail.index("organisations.role_change.requested")
        < trail.index("organisations.role_change.approved")
        < trail.index("organisations.membership.role_changed")
    )


def test_the_privacy_officer_may_deny_a_role_change(cast, client_for, coaches_may_listen):
    target = member(cast, "team_leader")
    client_for(cast["administrator"]).post(
        url("member_role", cast, membership_id=target.pk), {"role": "coach"}
    )
    change = RoleChangeRequest.objects.get(membership=target)
    page = client_for(cast["privacy_officer"]).get(url("role_changes", cast))
    assert "acme-team_leader" in page.content.decode()
    client_for(cast["privacy_officer"]).post(
        url("role_change_decision", cast, change_id=change.pk), {"decision": "deny"}
    )
    change.refresh_from_db()
    target.refresh_from_db()
    assert change.status == "denied" and target.role == "team_leader"
    assert "organisations.role_change.denied" in actions(cast)


def test_the_member_concerned_cannot_approve_their_own_role(cast, client_for, coaches_may_listen):
    officer = member(cast, "privacy_officer")
    second_admin = UserFactory(username="acme-admin-2")
    membership(second_admin, cast.organisation, "administrator")
    client_for(cast["administrator"]).post(
        url("member_role", cast, membership_id=officer.pk), {"role": "coach"}
    )
    change = RoleChangeRequest.objects.get(membership=officer)
    client_for(cast["privacy_officer"]).post(
        url("role_change_decision", cast, change_id=change.pk), {"decision": "approve"}
    )
    change.refresh_from_db()
    assert change.status == "pending"


def test_the_database_refuses_an_approval_by_the_requester(cast):
    from django.db import IntegrityError, transaction

    change = RoleChangeRequest.objects.create(
        organisation=cast.organisation,
        membership=member(cast, "auditor"),
        old_role="auditor",
        new_role="coach",
        requested_by=cast["administrator"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleChangeRequest.objects.filter(pk=change.pk).update(
            status="approved", decided_by=cast["administrator"]
        )


def test_the_dashboard_tells_approvers_of_a_waiting_role_change(
    cast, client_for, coaches_may_listen
):
    target = member(cast, "auditor")
    client_for(cast["administrator"]).post(
        url("member_role", cast, membership_id=target.pk), {"role": "coach"}
    )
    officer_page = client_for(cast["privacy_officer"]).get(url("dashboard", cast)).content.decode()
    assert "Role changes waiting for your approval" in officer_page
    assert url("role_changes", cast) in officer_page
    # Not the one who asked, and not a member who cannot decide.
    for role in ("administrator", "coach"):
        page = client_for(cast[role]).get(url("dashboard", cast)).content.decode()
        assert "Role changes waiting for your approval" not in page


def test_a_deactivated_privacy_officer_gets_no_purge_report(cast, mailoutbox):
    from django.utils import timezone as tz

    from organisations.people import membership_deactivate
    from retention.models import PurgeRun
    from retention.report import purge_report_send

    run = PurgeRun.objects.create(
        organisation=cast.organisation,
        trigger="schedule",
        started_at=tz.now(),
        horizon=tz.now(),
        status="failed",
        error="disk full",
    )
    purge_report_send(run)
    assert [m.to for m in mailoutbox] == [[cast["privacy_officer"].email]]
    mailoutbox.clear()
    membership_deactivate(membership=member(cast, "privacy_officer"), actor=cast["administrator"])
    purge_report_send(run)
    assert mailoutbox == []
