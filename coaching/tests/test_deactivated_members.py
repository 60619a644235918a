"""A deactivated member is out of coaching: no calibration invitation, no policy to acknowledge."""

from __future__ import annotations

import pytest
from django.utils import translation

from coaching.evaluations import EvaluationError
from coaching.tests.test_consent_and_calibration import _ask_and_grant, _open, coaches  # noqa: F401
from organisations.models import Membership
from organisations.people import membership_deactivate
from register.acknowledgement import policy_coverage, policy_publish, policy_waiting_for

pytestmark = pytest.mark.django_db


def test_a_deactivated_coach_is_not_invited_to_calibrate(world, published_form, coaches):  # noqa: F811
    _ask_and_grant(world)
    leaver = Membership.objects.get(user=coaches[2], organisation=world.cast.organisation)
    membership_deactivate(membership=leaver, actor=world.cast["administrator"])
    with translation.override("en"), pytest.raises(EvaluationError, match="Invite only coaches"):
        _open(world, published_form, coaches)


def test_a_deactivated_member_has_no_policy_to_acknowledge(cast):
    policy_publish(
        organisation=cast.organisation,
        actor=cast["privacy_officer"],
        title_nl="Opnamebeleid",
        title_en="Recording policy",
        text_nl="Gesprekken worden opgenomen.",
        text_en="Calls are recorded.",
    )
    assert policy_waiting_for(cast["coach"]) is not None
    before = policy_coverage(cast.organisation)
    coach = Membership.objects.get(user=cast["coach"], organisation=cast.organisation)
    membership_deactivate(membership=coach, actor=cast["administrator"])
    assert policy_waiting_for(cast["coach"]) is None
    after = policy_coverage(cast.organisation)
    assert after.members == before.members - 1
    assert coach not in after.missing
