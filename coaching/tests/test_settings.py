"""The coaching settings page: the administrator sets the random sample (size, spread or at
once, purpose) and disputes (window, number, arbiter); readers of the access policy see them;
bad input is shown beside its field and changes nothing; each save is audited; the sampler
uses the new values from its next draw."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from access.tests.conftest import register_for
from audit.models import AuditEvent
from coaching.disputes import settings_for
from coaching.models import SampleDraw, SamplingPolicy
from coaching.sampling import draws_due
from coaching.tests.test_disputes import released  # noqa: F401  (a fixture used below)
from organisations.constants import Role
from organisations.models import Membership
from organisations.tests.factories import EmployeeFactory, UserFactory
from recordings.tests.factories import recording_create

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 20, 12, tzinfo=AMSTERDAM)
URL = reverse("coaching:settings", kwargs={"org_slug": "acme"})


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=True):
        yield NOW


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _form(world, **changes) -> dict:
    data = {
        "per_quarter": "3",
        "mode": "spread",
        "purpose": str(world.purposes["coaching"].pk),
        "dispute_days": "10",
        "max_disputes": "1",
        "arbiter": str(world.cast["team_leader"].pk),
    }
    data.update(changes)
    return data


def _stored(org):
    policy = SamplingPolicy.objects.filter(organisation=org).first()
    rules = settings_for(org)
    return (
        policy and (policy.per_quarter, policy.mode, policy.purpose.code),
        rules.dispute_days,
        rules.max_disputes,
        rules.arbiter_id,
    )


def test_the_administrator_changes_the_settings_and_sees_them_back(world, client_for):
    org = world.cast.organisation
    client = client_for(world.cast["administrator"])
    page = client.get(URL).content.decode()
    assert "data-coaching-settings" in page and "data-save" in page
    assert "applies from the next draw" in page
    response = client.post(URL, _form(world, mode="at_once"))
    assert response.status_code == 302
    assert _stored(org) == ((3, "at_once", "coaching"), 10, 1, world.cast["team_leader"].pk)
    page = client.get(URL).content.decode()
    assert "Coaching settings saved." in page
    assert '<option value="at_once" selected>' in page
    assert f'<option value="{world.cast["team_leader"].pk}" selected>' in page


@pytest.mark.parametrize(
    "role,get_status,may_post",
    [
        (Role.ADMINISTRATOR, 200, True),
        (Role.MANAGER, 200, False),
        (Role.PRIVACY_OFFICER, 200, False),
        (Role.AUDITOR, 200, False),
        (Role.TEAM_LEADER, 403, False),
        (Role.COACH, 403, False),
        (Role.EMPLOYEE, 403, False),
    ],
)
def test_who_sees_and_who_changes_the_coaching_settings(
    world, client_for, role, get_status, may_post
):
    client = client_for(world.cast[role.value])
    response = client.get(URL)
    assert response.status_code == get_status
    if get_status == 200:
        page = response.content.decode()
        form = page[
            page.index("data-coaching-settings") : page.index(
                "</form>", page.index("data-coaching-settings")
            )
        ]
        assert ("data-save" in form) is may_post
        # Readers see the values in fields they cannot change.
        assert (form.count(" disabled") == 6) is not may_post
        readers_note = "Only the organisation's administrator changes these settings."
        assert (readers_note in page) is not may_post
    before = _stored(world.cast.organisation)
    response = client.post(URL, _form(world))
    assert response.status_code == (302 if may_post else 403)
    if not may_post:
        assert _stored(world.cast.organisation) == before
        assert not AuditEvent.objects.filter(action="coaching.settings.changed").exists()


def test_a_user_of_another_organisation_gets_404_and_changes_nothing(world, client_for):
    client = client_for(world.cast.outsider)
    before = _stored(world.cast.organisation)
    assert client.get(URL).status_code == 404
    assert client.post(URL, _form(world)).status_code == 404
    assert _stored(world.cast.organisation) == before


def test_the_page_is_in_the_administrators_navigation_only_where_readable(world, client_for):
    dashboard = reverse("organisations:dashboard", kwargs={"org_slug": "acme"})
    admin_page = client_for(world.cast["administrator"]).get(dashboard).content.decode()
    assert f'href="{URL}"' in admin_page
    coach_page = client_for(world.cast["coach"]).get(dashboard).content.decode()
    assert f'href="{URL}"' not in coach_page


def _refused(client, world, data, field, message):
    org = world.cast.organisation
    before = _stored(org)
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    # The message stands in the field's own paragraph, beside the field.
    start = page.index(f'id="id_{field}')
    paragraph = page[page.rindex("<p", 0, start) : page.index("</p>", start)]
    assert "invalid" in paragraph and message in paragraph, paragraph
    assert _stored(org) == before
    assert not AuditEvent.objects.filter(action="coaching.settings.changed").exists()


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"per_quarter": "13"}, "per_quarter", "less than or equal to 12"),
        ({"per_quarter": "-1"}, "per_quarter", "greater than or equal to 0"),
        ({"per_quarter": "drie"}, "per_quarter", "Enter a whole number"),
        ({"dispute_days": "-1"}, "dispute_days", "greater than or equal to 0"),
        ({"max_disputes": "21"}, "max_disputes", "less than or equal to 20"),
        ({"purpose": ""}, "purpose", "Choose the purpose the sample serves."),
        ({"mode": "hourly"}, "mode", "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_changes_nothing(
    world, client_for, changes, field, message
):
    client = client_for(world.cast["administrator"])
    _refused(client, world, _form(world, **changes), field, message)


def test_a_forged_arbiter_or_purpose_of_another_organisation_is_refused(world, client_for):
    other = world.cast.other_organisation
    other_purposes = register_for(other)
    client = client_for(world.cast["administrator"])
    arbiter_refusal = "must be an active coach, team leader or manager of this organisation"
    _refused(
        client, world, _form(world, arbiter=str(world.cast.outsider.pk)), "arbiter", arbiter_refusal
    )
    _refused(
        client,
        world,
        _form(world, purpose=str(other_purposes["coaching"].pk)),
        "purpose",
        "Choose a purpose of this organisation&#x27;s register.",
    )
    # A member without a coaching role, or no longer active, is no arbiter either.
    _refused(
        client,
        world,
        _form(world, arbiter=str(world.cast["auditor"].pk)),
        "arbiter",
        arbiter_refusal,
    )
    Membership.objects.filter(user=world.cast["coach"]).update(active=False)
    _refused(
        client, world, _form(world, arbiter=str(world.cast["coach"].pk)), "arbiter", arbiter_refusal
    )


def test_each_save_is_one_audit_event_with_old_and_new_values_and_no_names(world, client_for):
    leader = world.cast["team_leader"]
    leader.first_name, leader.last_name = "Tessa", "Leidinggevende"
    leader.save()
    client = client_for(world.cast["administrator"])
    client.post(URL, _form(world))
    client.post(URL, _form(world))  # the same again: nothing changed, nothing recorded
    client.post(URL, _form(world, per_quarter="2", arbiter=""))
    first, second = AuditEvent.objects.filter(action="coaching.settings.changed").order_by("pk")
    assert first.actor_id == world.cast["administrator"].pk
    assert first.detail["changed"]["per_quarter"] == [0, 3]
    assert first.detail["changed"]["purpose"] == [None, "coaching"]
    assert first.detail["changed"]["dispute_days"] == [14, 10]
    assert first.detail["changed"]["arbiter"] == [None, leader.pk]
    assert "mode" not in first.detail["changed"]  # spread before and after
    assert second.detail["changed"] == {"per_quarter": [3, 2], "arbiter": [leader.pk, None]}
    text = str(first.detail) + str(second.detail)
    assert "Tessa" not in text and leader.username not in text


def _calls(org, employee, start, days):
    return [
        recording_create(organisation=org, employee=employee, started_at=start + timedelta(days=d))
        for d in days
    ]


def test_a_draw_after_the_change_uses_the_new_size_and_mode(world, client_for):
    org = world.cast.organisation
    client = client_for(world.cast["administrator"])
    client.post(URL, _form(world, per_quarter="3", mode="spread"))
    employee = EmployeeFactory(organisation=org, name="Veel Gesprekken")
    _calls(org, employee, datetime(2026, 10, 1, 9, tzinfo=AMSTERDAM), range(0, 90, 3))
    # Spread, three a quarter: October's slot is drawn on 1 November.
    assert draws_due(org, now=datetime(2026, 11, 1, 12, tzinfo=AMSTERDAM)) == 1
    october = SampleDraw.objects.get(organisation=org, quarter="2026Q4", slot=1)
    assert october.window_start == datetime(2026, 10, 1, tzinfo=AMSTERDAM)
    # The administrator changes to two, at once: nothing is drawn before the quarter ends...
    client.post(URL, _form(world, per_quarter="2", mode="at_once"))
    assert SampleDraw.objects.get(pk=october.pk).seed == october.seed  # not redrawn
    assert draws_due(org, now=datetime(2026, 12, 31, 12, tzinfo=AMSTERDAM)) == 0
    # ...then the remaining slot of two is drawn from the whole quarter.
    assert draws_due(org, now=datetime(2027, 1, 1, 7, tzinfo=AMSTERDAM)) == 1
    draws = SampleDraw.objects.filter(organisation=org, quarter="2026Q4").order_by("slot")
    assert [d.slot for d in draws] == [1, 2]
    last = draws[1]
    assert (last.window_start, last.window_end) == (
        datetime(2026, 10, 1, tzinfo=AMSTERDAM),
        datetime(2027, 1, 1, tzinfo=AMSTERDAM),
    )
    # The call drawn in October is not drawn again.
    first_pick = october.items.get(employee=employee).recording_id
    assert str(first_pick) not in last.population[str(employee.pk)]
    assert last.items.get(employee=employee).recording_id != first_pick


def picks_of(draws, employee):
    return [d.items.get(employee=employee).recording_id for d in draws]


def test_at_once_draws_every_call_of_the_quarter_together_and_never_twice(world):
    org = world.cast.organisation
    SamplingPolicy.objects.create(
        organisation=org, per_quarter=3, mode="at_once", purpose=world.purposes["coaching"]
    )
    employee = EmployeeFactory(organisation=org)
    _calls(org, employee, datetime(2026, 12, 1, 9, tzinfo=AMSTERDAM), range(10))
    assert draws_due(org, now=datetime(2026, 11, 1, 12, tzinfo=AMSTERDAM)) == 0
    assert draws_due(org, now=datetime(2027, 1, 1, 7, tzinfo=AMSTERDAM)) == 3
    picks = picks_of(SampleDraw.objects.filter(organisation=org, quarter="2026Q4"), employee)
    assert len(set(picks)) == 3  # three different calls of the one employee
    # Each slot chose from the calls the slots before it left (so its replay holds too).
    draws = SampleDraw.objects.filter(organisation=org, quarter="2026Q4").order_by("slot")
    for n, draw in enumerate(draws):
        assert not {str(p) for p in picks_of(draws[:n], employee)} & set(
            draw.population[str(employee.pk)]
        )
    assert draws_due(org, now=datetime(2027, 1, 1, 8, tzinfo=AMSTERDAM)) == 0


def test_the_command_sets_the_same_values_for_scripted_installs(world, capsys):
    org = world.cast.organisation
    call_command(
        "coaching_settings",
        "--org",
        "acme",
        "--per-quarter",
        "3",
        "--mode",
        "at_once",
        "--purpose",
        "coaching",
        "--dispute-days",
        "7",
        "--arbiter",
        world.cast["manager"].username,
    )
    assert _stored(org) == ((3, "at_once", "coaching"), 7, 2, world.cast["manager"].pk)
    event = AuditEvent.objects.get(action="coaching.settings.changed")
    assert event.actor_id is None
    with pytest.raises(CommandError, match="arbiter"):
        call_command("coaching_settings", "--org", "acme", "--arbiter", "acme-employee")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("coaching_settings", "--org", "nowhere", "--per-quarter", "1")
    outsider = UserFactory(username="elders")
    with pytest.raises(CommandError, match="arbiter"):
        call_command("coaching_settings", "--org", "acme", "--arbiter", outsider.username)
    assert _stored(org) == ((3, "at_once", "coaching"), 7, 2, world.cast["manager"].pk)


def test_an_arbiter_who_leaves_the_coaching_roles_no_longer_answers_disputes(
    world,
    released,  # noqa: F811
    client_for,
):
    from coaching.disputes import dispute_answer, dispute_raise
    from coaching.evaluations import EvaluationError, evaluation_for_reader

    evaluation, criteria = released
    client = client_for(world.cast["administrator"])
    client.post(URL, _form(world))  # the team leader is the arbiter
    dispute = dispute_raise(
        membership=Membership.objects.get(user=world.cast["employee"]),
        evaluation_id=evaluation.pk,
        criterion_id=criteria[2].pk,
        reason="De klant werd wel met naam begroet, luister vanaf het begin",
    )
    arbiter = Membership.objects.get(user=world.cast["team_leader"])
    assert evaluation_for_reader(arbiter, evaluation.pk) == evaluation
    assert "data-arbiter-gone" not in client.get(URL).content.decode()
    # The team leader becomes an auditor: no longer reads or answers the disputed evaluation.
    Membership.objects.filter(pk=arbiter.pk).update(role=Role.AUDITOR)
    arbiter.refresh_from_db()
    assert evaluation_for_reader(arbiter, evaluation.pk) is None
    with pytest.raises(EvaluationError):
        dispute_answer(membership=arbiter, dispute_id=dispute.pk, uphold=False, answer="Nee.")
    # The settings page says so, instead of silently showing no arbiter.
    assert "data-arbiter-gone" in client.get(URL).content.decode()


def test_zero_calls_without_a_purpose_stops_the_sample(world, client_for):
    org = world.cast.organisation
    client = client_for(world.cast["administrator"])
    client.post(URL, _form(world, per_quarter="3"))
    assert client.post(URL, _form(world, per_quarter="0", purpose="")).status_code == 302
    assert not SamplingPolicy.objects.filter(organisation=org).exists()
    assert draws_due(org, now=datetime(2027, 1, 1, 7, tzinfo=AMSTERDAM)) == 0
    event = AuditEvent.objects.filter(action="coaching.settings.changed").latest("pk")
    assert event.detail["changed"] == {"per_quarter": [3, 0], "purpose": ["coaching", None]}
