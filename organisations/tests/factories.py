import factory
from django.contrib.auth import get_user_model

from organisations.constants import Role
from organisations.models import Employee, Membership, Organisation, Team
from organisations.services import membership_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Faker("company", locale="nl_NL")
    timezone = "Europe/Amsterdam"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    organisation = factory.SubFactory(OrganisationFactory)
    team = factory.SubFactory(TeamFactory, organisation=factory.SelfAttribute("..organisation"))
    name = factory.Faker("name", locale="nl_NL")
    pbx_agent_id = factory.Sequence(lambda n: f"{3000 + n}")


def membership(user, organisation, role: str = Role.EMPLOYEE, actor=None) -> Membership:
    """Memberships go through the service so that guardian rights are assigned as in production."""
    return membership_create(user=user, organisation=organisation, role=role, actor=actor)
