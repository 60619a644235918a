"""The demo: both seed organisations, one user per role, idempotent, refused in production."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.verification import chains_verify
from earshot.demo import DEMO_PASSWORD
from organisations.constants import Role
from organisations.models import Membership, Organisation
from register.constants import DataCategory
from register.models import ProcessingActivity
from register.selectors import retention_for_category

pytestmark = pytest.mark.django_db


def test_demo_refuses_to_load_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="EARSHOT_DEMO=1"):
        call_command("loaddemo")
    assert not Organisation.objects.exists()


def test_demo_loads_both_organisations_with_every_role(settings):
    settings.DEMO = True
    call_command("loaddemo")
    assert set(Organisation.objects.values_list("slug", flat=True)) == {
        "rvo-klantcontact",
        "tbi-direct",
    }
    for organisation in Organisation.objects.all():
        roles = set(
            Membership.objects.filter(organisation=organisation).values_list("role", flat=True)
        )
        assert roles == set(Role.values)
    user = get_user_model().objects.get(username="tbi-manager")
    assert user.check_password(DEMO_PASSWORD)
    rvo = ProcessingActivity.objects.get(reference="M10495")
    assert rvo.purposes.count() == 9
    assert rvo.data_subject_entries.count() == 7


def test_demo_retention_comes_from_the_register(settings):
    settings.DEMO = True
    call_command("loaddemo")
    rvo = Organisation.objects.get(slug="rvo-klantcontact")
    tbi = Organisation.objects.get(slug="tbi-direct")
    assert retention_for_category(organisation=rvo, category=DataCategory.RECORDING).days == 28
    assert retention_for_category(organisation=tbi, category=DataCategory.RECORDING).days == 62


def test_loading_the_demo_twice_changes_nothing(settings, capsys):
    settings.DEMO = True
    call_command("loaddemo")
    counts = (Membership.objects.count(), get_user_model().objects.count())
    call_command("loaddemo")
    assert (Membership.objects.count(), get_user_model().objects.count()) == counts
    assert "(0 objects created)" in capsys.readouterr().out
    assert all(report.ok for report in chains_verify())


def test_demo_multi_user_belongs_to_both_organisations(settings):
    settings.DEMO = True
    call_command("loaddemo")
    slugs = set(
        Membership.objects.filter(user__username="demo-multi").values_list(
            "organisation__slug", flat=True
        )
    )
    assert slugs == {"rvo-klantcontact", "tbi-direct"}


def test_demo_policy_follows_the_seeds_and_four_eyes_works_in_it(settings):
    """TBI: every playback is asked for and approved by a second person; RVO: a manager hears a
    call only for misconduct or a threat, on a case; the police may get a copy of a threat."""
    from django.test import TestCase

    from access.four_eyes import CaseDraft, RequestError, request_create, request_decide
    from access.models import PolicyVersion, PurposeRule, StandingRight
    from access.policy import listen_decision, recordings_visible_to
    from recordings.models import Recording

    settings.DEMO = True
    call_command("loaddemo")
    tbi = Organisation.objects.get(slug="tbi-direct")
    rvo = Organisation.objects.get(slug="rvo-klantcontact")
    assert not StandingRight.objects.filter(organisation=tbi).exists()
    assert PolicyVersion.objects.filter(organisation=tbi, number=1).exists()
    # TBI may send the customer an anonymised transcript; RVO declares no such purpose.
    from transcripts.models import TranscriptPurpose

    assert [t.purpose.code for t in TranscriptPurpose.objects.filter(organisation=tbi)] == [
        "customer-transcript"
    ]
    assert not TranscriptPurpose.objects.filter(organisation=rvo).exists()
    threat = PurposeRule.objects.get(purpose__code="threat-investigation", organisation=rvo)
    assert threat.case_required and threat.requester_roles == [Role.MANAGER]
    assert [r.name for r in threat.disclosure_recipients.all()] == [
        "Politie, in geval van bedreiging."
    ]

    def member(username, organisation):
        return Membership.objects.select_related("user", "organisation").get(
            user__username=username, organisation=organisation
        )

    leader, manager = member("tbi-teamleader", tbi), member("tbi-manager", tbi)
    call = Recording.objects.filter(organisation=tbi).first()
    assert not listen_decision(
        membership=leader, recording=call, purpose_code="reactive-request"
    ).allowed
    # An RVO manager cannot ask for a TBI purpose, nor a TBI manager for a complaint without a case.
    with pytest.raises(RequestError):
        request_create(
            membership=manager,
            purpose=PurposeRule.objects.get(purpose__code="complaint-investigation").purpose,
            motivation="Klant klaagt over de afhandeling van zijn storing in dit gesprek.",
            recordings=[call],
        )
    # TBI records every reactive request in the complaints register: without a case, refused.
    reactive = PurposeRule.objects.get(purpose__code="reactive-request").purpose
    motivation = "Medewerker vraagt het gesprek terug te luisteren na een klacht."
    with pytest.raises(RequestError):
        request_create(
            membership=leader, purpose=reactive, motivation=motivation, recordings=[call]
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = request_create(
            membership=leader,
            purpose=reactive,
            motivation=motivation,
            recordings=[call],
            new_case=CaseDraft(
                received_via="phone",
                received_on=call.started_at.date(),
                description="Klacht over de afhandeling van een storing.",
            ),
        )
        request_decide(membership=manager, request_id=request.pk, outcome="approve")
    assert listen_decision(
        membership=leader, recording=call, purpose_code="reactive-request"
    ).allowed
    # A TBI employee may ask about their own calls, so sees them listed (and nobody else's).
    employee = member("tbi-employee", tbi)
    visible = recordings_visible_to(membership=employee)
    assert visible.exists()
    assert set(visible.values_list("employee__user", flat=True)) == {employee.user_id}
