"""Each role's dashboard is its work list: the items themselves (a real title, a detail, the
deadline with "overdue" once past, a direct link), counted per group, never another
organisation's, and "Nothing waits for you" when nothing does. Here, where the fixtures of
every app below meet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.consent import consent_ask
from coaching.constants import ConsentUse
from coaching.disputes import dispute_raise, settings_for
from coaching.evaluations import AnswerInput, evaluation_release, evaluation_save_draft
from coaching.evaluations import evaluation_start as start
from coaching.models import Criterion
from organisations.models import Membership
from organisations.todo import ITEMS_SHOWN, todos_for
from recordings.models import Recording
from recordings.tests.factories import recording_create
from retention.holds import hold_request

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("organisations:dashboard", kwargs={"org_slug": "acme"})


def _m(cast, role, organisation=None) -> Membership:
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role] if isinstance(role, str) else role,
        organisation=organisation or cast.organisation,
    )


def _groups(membership) -> dict:
    return {todo.label: todo for todo in todos_for(membership)}


def _group_html(page: str, label: str) -> str:
    """The dashboard section of one group, by its (Dutch) label."""
    start = page.index(label)
    return page[start : page.index("</section>", start)]


def _overdue_call(cast, hours_late=1, **fields):
    recording = recording_create(organisation=cast.organisation, **fields)
    Recording.objects.filter(pk=recording.pk).update(
        purge_deadline=timezone.now() - timedelta(hours=hours_late)
    )
    return Recording.objects.get(pk=recording.pk)


def test_the_approver_finds_the_request_itself_with_its_purpose_asker_call_and_link(
    four_eyes, client_for
):
    asked = four_eyes.ask()
    page = client_for(four_eyes.cast["team_leader"]).get(DASHBOARD).content.decode()
    group = _group_html(page, "Verzoeken die op uw besluit wachten")
    assert '<span class="count" data-count>1</span>' in group
    detail = reverse("requests:detail", kwargs={"org_slug": "acme", "request_id": asked.pk})
    assert f'href="{detail}"' in group
    assert f"{four_eyes.purpose.label} · gevraagd door acme-manager" in group
    assert "Gesprek van " in group and "· Team " in group  # the call, not its PBX id
    assert four_eyes.call.call_id not in group
    assert "uiterlijk " in group and "te laat" not in group  # its lapse, still ahead
    assert "Alle 1" in group


def test_the_requester_and_roles_that_do_not_decide_are_told_nothing_waits(four_eyes, client_for):
    four_eyes.ask()
    for role in ("manager", "coach", "auditor"):
        page = client_for(four_eyes.cast[role]).get(DASHBOARD).content.decode()
        assert "Verzoeken die op uw besluit wachten" not in page
    auditor = client_for(four_eyes.cast["auditor"]).get(DASHBOARD).content.decode()
    assert "data-nothing-waits" in auditor and "Er wacht niets op u." in auditor


def test_counts_all_items_lists_the_first_soonest_first_and_marks_overdue(cast, client_for):
    calls = [_overdue_call(cast, hours_late=hours) for hours in range(1, ITEMS_SHOWN + 3)]
    officer = _m(cast, "privacy_officer")
    group = _groups(officer)["Gesprekken voorbij hun bewaartermijn"]
    assert group.count == len(calls)
    assert len(group.items) == ITEMS_SHOWN
    deadlines = [item.deadline for item in group.items]
    assert deadlines == sorted(deadlines)
    assert group.items[0].deadline == calls[-1].purge_deadline  # the latest one first
    assert all(item.overdue for item in group.items)
    page = client_for(cast["privacy_officer"]).get(DASHBOARD).content.decode()
    section = _group_html(page, "Gesprekken voorbij hun bewaartermijn")
    assert section.count("data-work-item") == ITEMS_SHOWN
    assert section.count("te laat") == ITEMS_SHOWN
    assert f"Alle {len(calls)}" in section


def test_the_privacy_officer_sees_red_register_lines_others_do_not(cast, client_for):
    # The audit trail was never verified: the register shows that line in red.
    from register.evidence import evidence_for

    red = [line for line in evidence_for(cast.organisation) if not line.ok]
    assert "Audittrail gecontroleerd" in [line.label for line in red]
    group = _groups(_m(cast, "privacy_officer"))["Registerregels in het rood"]
    assert group.count == len(red)
    assert [item.title for item in group.items] == [line.label for line in red][:ITEMS_SHOWN]
    audit_line = next(item for item in group.items if item.title == "Audittrail gecontroleerd")
    assert audit_line.url == reverse("audit:trail", kwargs={"org_slug": "acme"})
    for role in ("auditor", "administrator", "manager"):
        assert "Registerregels in het rood" not in _groups(_m(cast, role))


def test_the_approver_of_holds_sees_holds_of_their_organisation_only(cast):
    other_call = recording_create(organisation=cast.other_organisation)
    # A hold asked for in the other organisation (by its administrator, through the model:
    # the service would refuse the role) must not be counted in acme.
    from retention.models import LegalHold

    foreign = LegalHold.objects.create(
        organisation=cast.other_organisation,
        motivation="x" * 30,
        review_on=timezone.localdate() + timedelta(days=9),
        placed_by=cast.outsider,
    )
    foreign.recordings.set([other_call])
    call = recording_create(organisation=cast.organisation)
    hold = hold_request(
        membership=_m(cast, "manager"),
        recordings=[call],
        motivation="Politie vraagt de opname te bewaren voor het onderzoek naar de bedreiging.",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    group = _groups(_m(cast, "privacy_officer"))["Bewaarplichten die op uw goedkeuring wachten"]
    assert group.count == 1
    (item,) = group.items
    assert item.title == "Bewaarplicht, gevraagd door acme-manager"
    assert item.deadline == call.purge_deadline  # to be approved before the call goes
    assert str(hold.pk) in item.url
    # Not for the person who asked.
    assert "Bewaarplichten die op uw goedkeuring wachten" not in _groups(_m(cast, "manager"))


def test_the_coach_finds_drafts_and_disputes_the_employee_evaluations_and_questions(
    world, published_form
):
    cast = world.cast
    coach, employee = _m(cast, "coach"), _m(cast, "employee")
    draft = start(
        membership=coach,
        recording=world.team_a_call,
        version=published_form,
        purpose_code="coaching",
    )
    drafts = _groups(coach)["Uw conceptbeoordelingen"]
    assert drafts.count == 1
    assert drafts.items[0].title.startswith("Gesprek van ")
    assert drafts.items[0].deadline == world.team_a_call.purge_deadline
    assert str(draft.pk) in drafts.items[0].url

    released = start(
        membership=coach, recording=world.own_call, version=published_form, purpose_code="coaching"
    )
    criteria = list(
        Criterion.objects.filter(section__version=published_form).order_by(
            "section__position", "position"
        )
    )
    evaluation_save_draft(
        membership=coach,
        evaluation_id=released.pk,
        answers={c.pk: AnswerInput(v) for c, v in zip(criteria, [0, 1, 3, 1, 1], strict=True)},
    )
    evaluation_release(membership=coach, evaluation_id=released.pk)
    to_read = _groups(employee)["Beoordelingen om te lezen"]
    assert to_read.count == 1 and str(released.pk) in to_read.items[0].url
    assert to_read.items[0].detail == "door acme-coach"
    assert to_read.items[0].deadline is not None  # until when it can be disputed

    dispute_raise(
        membership=employee,
        evaluation_id=released.pk,
        criterion_id=criteria[0].pk,
        reason="De klant werd wel met naam begroet, luister vanaf het begin",
    )
    disputes = _groups(coach)["Bezwaren die op uw antwoord wachten"]
    assert disputes.count == 1
    assert disputes.items[0].title == f"Bezwaar: {criteria[0].text}"
    # Nobody else answers it, until a team leader is made the organisation's arbiter.
    leader = _m(cast, "team_leader")
    assert "Bezwaren die op uw antwoord wachten" not in _groups(leader)
    assert "Bezwaren die op uw antwoord wachten" not in _groups(_m(cast, "manager"))
    settings = settings_for(cast.organisation)
    settings.arbiter = leader.user
    settings.save()
    arbitrated = _groups(leader)["Bezwaren die op uw antwoord wachten"]
    assert arbitrated.count == 1
    assert str(released.pk) in arbitrated.items[0].url

    consent_ask(membership=coach, recording=world.own_call, use=ConsentUse.CALIBRATION)
    questions = _groups(employee)["Vragen over het gebruik van uw gesprekken"]
    assert questions.count == 1
    assert "gevraagd door acme-coach" in questions.items[0].detail


def test_a_user_of_another_organisation_sees_nothing_of_acme(four_eyes, client_for):
    four_eyes.ask()
    _overdue_call(four_eyes.cast)
    outsider = _m(four_eyes.cast, four_eyes.cast.outsider, four_eyes.cast.other_organisation)
    assert todos_for(outsider) == []
    other = reverse("organisations:dashboard", kwargs={"org_slug": "other"})
    page = client_for(four_eyes.cast.outsider).get(other).content.decode()
    assert "data-nothing-waits" in page
    assert client_for(four_eyes.cast.outsider).get(DASHBOARD).status_code in (403, 404)
