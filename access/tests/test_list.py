"""The recordings list: only what the member may see, filters, keyset pages, few queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db
LIST = reverse("access:recording_list", kwargs={"org_slug": "acme"})


def call_ids(response) -> list[str]:
    return [r.call_id for r in response.context["recordings"]]


def test_coach_lists_only_calls_of_coached_teams(world, client_for):
    ids = call_ids(client_for(world.cast["coach"]).get(LIST))
    assert set(ids) == {world.own_call.call_id, world.team_a_call.call_id}


def test_employee_lists_only_own_calls(world, client_for):
    assert call_ids(client_for(world.cast["employee"]).get(LIST)) == [world.own_call.call_id]


def test_manager_lists_the_whole_organisation_but_not_another(world, client_for):
    recording_create(organisation=world.cast.other_organisation)
    ids = call_ids(client_for(world.cast["manager"]).get(LIST))
    assert len(ids) == 3


def test_filter_by_phone_number_in_any_dutch_notation(world, client_for):
    response = client_for(world.cast["manager"]).get(LIST, {"phone": "06-12 34 56 78"})
    assert call_ids(response) == [world.team_a_call.call_id]


def test_filter_by_team_and_direction(world, client_for):
    client = client_for(world.cast["manager"])
    team = world.team_b_call.employee.team
    assert call_ids(client.get(LIST, {"team": team.pk})) == [world.team_b_call.call_id]
    assert call_ids(client.get(LIST, {"direction": "outbound"})) == []


def test_filter_by_period_uses_the_organisations_days(world, client_for):
    old = recording_create(
        organisation=world.cast.organisation,
        employee=world.team_b_call.employee,
        started_at=timezone.now() - timedelta(days=10),
    )
    day = timezone.localdate(old.started_at)
    response = client_for(world.cast["manager"]).get(
        LIST, {"date_from": day.isoformat(), "date_to": day.isoformat()}
    )
    assert call_ids(response) == [old.call_id]


def test_an_employee_of_another_organisation_in_the_filter_is_refused(world, client_for):
    from organisations.tests.factories import EmployeeFactory

    foreign = EmployeeFactory(organisation=world.cast.other_organisation)
    response = client_for(world.cast["manager"]).get(LIST, {"employee": foreign.pk})
    assert "employee" in response.context["form"].errors


def test_keyset_pages_cover_every_call_once_even_with_equal_start_times(cast, client_for):
    from access.tests.conftest import register_for

    register_for(cast.organisation)
    same = timezone.now() - timedelta(hours=2)
    made = {
        recording_create(organisation=cast.organisation, started_at=same).call_id for _ in range(60)
    }
    made |= {recording_create(organisation=cast.organisation).call_id for _ in range(45)}
    client = client_for(cast["manager"])
    seen, url, pages = [], LIST, 0
    while url and pages < 10:
        response = client.get(url)
        seen += call_ids(response)
        pages += 1
        cursor = response.context["next_cursor"]
        url = f"{LIST}?after={cursor}" if cursor else None
    assert pages == 3
    assert sorted(seen) == sorted(made)


def test_list_uses_a_bounded_number_of_queries_and_never_counts(
    world, client_for, django_assert_max_num_queries
):
    for _ in range(30):
        recording_create(organisation=world.cast.organisation, employee=world.team_a_call.employee)
    client = client_for(world.cast["coach"])
    # 19: every page's header asks once whether the user is an installation administrator;
    # 5 more decide once which buttons carry ticked calls on (a request, a case, a hold).
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(24):
        response = client.get(LIST)
    assert len(call_ids(response)) == 32
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_a_forged_cursor_shows_the_first_page(world, client_for):
    response = client_for(world.cast["coach"]).get(LIST, {"after": "not-a-cursor"})
    assert response.status_code == 200
    assert len(call_ids(response)) == 2
