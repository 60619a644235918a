"""Forms of the four-eyes pages: asking, deciding, cases and the access policy."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from access.constants import CaseKind, DecisionOutcome, ReceivedVia, RequestKind, Scope
from access.models import PurposeRule
from access.request_parties import CaseDraft
from access.selection import RecordingsField
from organisations.constants import Role
from organisations.widgets import DateInput
from recordings.models import Recording

NEW_CASE = "new"
NEW_CASE_FIELDS = (
    "new_case_received_via",
    "new_case_received_on",
    "new_case_reference",
    "new_case_description",
)


def recordings_by_call_ids(text: str, recordings) -> list[Recording]:
    """The recordings named by call id (whitespace-separated, in the order given, once each),
    looked up in `recordings` only: an id outside it reads as unknown, so a form reveals no
    call the person may not find. Raises ValidationError naming the unknown ids."""
    ids = list(dict.fromkeys(text.split()))
    found = {r.call_id: r for r in recordings.filter(call_id__in=ids)}
    missing = [call_id for call_id in ids if call_id not in found]
    if missing:
        raise forms.ValidationError(
            _("Unknown call ids: %(ids)s") % {"ids": ", ".join(missing[:10])}
        )
    return [found[call_id] for call_id in ids]


class AccessRequestForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"))
    recording = RecordingsField()
    motivation = forms.CharField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why you need to hear these calls. The approver reads this in full."),
    )
    case = forms.ChoiceField(
        label=_("Case"),
        required=False,
        help_text=_(
            "Where the purpose is recorded in the case register: an open case, or a new one "
            "opened with this request."
        ),
    )
    new_case_received_via = forms.ChoiceField(
        label=_("New case: received via"),
        required=False,
        choices=[("", "—"), *ReceivedVia.choices],
    )
    new_case_received_on = forms.DateField(
        label=_("New case: received on"),
        required=False,
        widget=DateInput(),
    )
    new_case_reference = forms.CharField(
        label=_("New case: reference"),
        required=False,
        max_length=50,
        help_text=_("As in your complaints register; leave empty to number automatically."),
    )
    new_case_description = forms.CharField(
        label=_("New case: description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the complaint or question is about, for the case register."),
    )
    listener = forms.ChoiceField(
        label=_("Who listens with you"),
        required=False,
        help_text=_(
            "Under this purpose an employee does not listen alone: the person you name hears "
            "the call with you present, and a third person approves."
        ),
    )
    recipient = forms.ChoiceField(label=_("Recipient"), required=False)
    recipient_email = forms.EmailField(label=_("Recipient's e-mail address"), required=False)

    def __init__(
        self,
        *args,
        rules: list[PurposeRule],
        cases,
        kind: str,
        offered=(),
        listeners=(),
        **kw,
    ):
        """`offered`: the chosen calls (access.selection), among those the person may find; any
        other id is refused. `listeners`: the members an employee may name to listen with them
        (empty: no field)."""
        super().__init__(*args, **kw)
        self.kind = kind
        self.fields["recording"].offer(offered)
        if not any(rule.case_kind for rule in rules):
            for name in NEW_CASE_FIELDS:
                del self.fields[name]
        listeners = list(listeners)
        if listeners:
            self.fields["listener"].choices = [("", "—")] + [
                (str(m.user_id), f"{m.user.get_username()} ({m.get_role_display()})")
                for m in listeners
            ]
        else:
            del self.fields["listener"]
        self.listeners = {str(m.user_id): m.user for m in listeners}
        if kind == RequestKind.DISCLOSURE:
            rules = [rule for rule in rules if rule.disclosure_recipients.exists()]
            self.fields["recipient"].required = True
            self.fields["recipient_email"].required = True
            self.fields["recipient"].choices = [("", "—")] + [
                (str(r.pk), r.name) for rule in rules for r in rule.disclosure_recipients.all()
            ]
        else:
            del self.fields["recipient"], self.fields["recipient_email"]
        self.rules = {str(rule.purpose_id): rule for rule in rules}
        self.fields["purpose"].choices = [
            (str(rule.purpose_id), rule.purpose.label) for rule in rules
        ]
        new = (
            [(NEW_CASE, _("Open a new case with this request"))]
            if NEW_CASE_FIELDS[0] in (self.fields)
            else []
        )
        self.fields["case"].choices = [("", "—"), *new] + [
            (str(case.pk), f"{case.reference} ({case.get_kind_display()})") for case in cases
        ]
        self.cases = {str(case.pk): case for case in cases}

    def clean(self):
        data = super().clean()
        data["rule"] = self.rules.get(data.get("purpose", ""))
        data["case_obj"] = self.cases.get(data.get("case") or "")
        data["new_case"] = None
        if data.get("case") == NEW_CASE:
            missing = False
            for name in ("new_case_received_via", "new_case_received_on", "new_case_description"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed to open the new case."))
                    missing = True
            if not missing and not self.errors:
                data["new_case"] = CaseDraft(
                    received_via=data["new_case_received_via"],
                    received_on=data["new_case_received_on"],
                    description=data["new_case_description"],
                    reference=data.get("new_case_reference", ""),
                )
        data["listener_user"] = self.listeners.get(data.get("listener") or "")
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    escalate_to = forms.ModelChoiceField(
        label=_("Pass on to"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, approvers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if approvers is not None:
            self.fields["escalate_to"].queryset = approvers


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=50,
        help_text=_("As in your complaints register; leave empty to number automatically."),
    )
    received_via = forms.ChoiceField(label=_("Received via"), choices=ReceivedVia.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    customer_contact = forms.CharField(label=_("Customer contact"), required=False, max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    recording = RecordingsField(required=False)

    def __init__(self, *args, kinds: set[str], offered=(), **kwargs):
        """`offered`: the chosen calls (access.selection) the case is about, if any."""
        super().__init__(*args, **kwargs)
        self.fields["recording"].offer(offered)
        self.fields["kind"].choices = [(k, v) for k, v in CaseKind.choices if k in kinds]


ROLE_CHOICES = Role.choices
STANDING_CHOICES = [("", _("no standing right")), *Scope.choices]


class PurposeRuleForm(forms.ModelForm):
    """One purpose's policy: the rule plus, per role, the standing right it holds."""

    requester_roles = forms.MultipleChoiceField(
        label=_("Who may ask"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    approver_roles = forms.MultipleChoiceField(
        label=_("Who may approve"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PurposeRule
        fields = [
            "requester_roles",
            "approver_roles",
            "approvals_required",
            "grant_hours",
            "max_plays",
            "case_required",
            "case_kind",
            "employee_present",
            "employee_request_listener",
            "request_expiry_hours",
            "disclosure_recipients",
            "disclosure_link_days",
        ]
        widgets = {"disclosure_recipients": forms.CheckboxSelectMultiple}

    def __init__(self, *args, purpose, standing: dict[str, str], approve_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        self.approve_roles = set(approve_roles)
        self.fields["disclosure_recipients"].queryset = purpose.activity.recipients.filter(
            kind="outside_party"
        )
        for role, label in ROLE_CHOICES:
            self.fields[f"standing_{role}"] = forms.ChoiceField(
                label=label, choices=STANDING_CHOICES, required=False, initial=standing.get(role)
            )

    def standing_fields(self):
        return [self[f"standing_{role}"] for role, _label in ROLE_CHOICES]

    def standing(self) -> dict[str, str]:
        return {
            role: self.cleaned_data[f"standing_{role}"]
            for role, _label in ROLE_CHOICES
            if self.cleaned_data.get(f"standing_{role}")
        }

    def clean_approver_roles(self):
        roles = self.cleaned_data["approver_roles"]
        unable = [role for role in roles if role not in self.approve_roles]
        if unable:
            raise forms.ValidationError(
                _("These roles hold no approve right: %(roles)s")
                % {"roles": ", ".join(str(Role(role).label) for role in unable)}
            )
        return roles

    def clean(self):
        data = super().clean()
        if data.get("requester_roles") and not data.get("approver_roles"):
            self.add_error("approver_roles", _("Who may ask needs someone who may approve."))
        asking = set(data.get("requester_roles") or [])
        if data.get("employee_request_listener") and (
            Role.EMPLOYEE not in asking or not asking - {Role.EMPLOYEE}
        ):
            self.add_error(
                "employee_request_listener",
                _(
                    "Let employees ask, and at least one other role who can listen with them "
                    "(a team leader, for example)."
                ),
            )
        return data
