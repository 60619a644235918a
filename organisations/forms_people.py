from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from organisations.constants import Role
from organisations.models import Membership, Organisation, Team


class _MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.get_username()


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_username()


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    coaches = _MemberChoice(
        label=_("Coaches"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Members with the coach role. They hear this team's calls where the policy "
            "gives coaches a standing right for coached teams."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = (
            Membership.objects.filter(organisation=organisation, role=Role.COACH, active=True)
            .select_related("user")
            .order_by("user__username")
        )


class EmployeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    pbx_agent_id = forms.CharField(
        label=_("PBX agent id"),
        max_length=64,
        required=False,
        help_text=_("The id the PBX or recorder sends with each call of this employee."),
    )
    user = _UserChoice(
        label=_("Signs in as"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("The member account of this employee, for rights over their own calls."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = organisation.teams.all()
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation, memberships__active=True)
            .order_by("username")
        )


class EmployeeImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
