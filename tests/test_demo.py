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
