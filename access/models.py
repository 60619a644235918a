"""The access policy (standing rights and rules per purpose), requests, grants, cases and
disclosures: everything the gate decides from."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.constants import (
    CaseKind,
    CaseStatus,
    DecisionOutcome,
    DisclosureContents,
    ReceivedVia,
    RequestKind,
    RequestStatus,
    Scope,
)
from organisations.constants import Role
from organisations.models import Organisation
from recordings.models import AudioKey, Recording
from register.models import Purpose, Recipient


class StandingRight(models.Model):
    """A role may listen, for one purpose of the register, to the calls within a scope.

    Everything not covered by a standing right needs an approved request (four eyes).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="standing_rights"
    )
    purpose = models.ForeignKey(
        Purpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope = models.CharField(_("scope"), max_length=32, choices=Scope.choices)

    class Meta:
        verbose_name = _("standing right")
        verbose_name_plural = _("standing rights")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "purpose", "role"],
                name="one_standing_right_per_purpose_and_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.purpose.code} ({self.get_scope_display()})"

    def clean(self) -> None:
        if self.purpose_id and self.purpose.activity.organisation_id != self.organisation_id:
            raise ValidationError({"purpose": _("The purpose belongs to another organisation.")})


def _validate_roles(value: object) -> None:
    if not isinstance(value, list) or not set(value) <= set(Role.values):
        raise ValidationError(_("Choose roles from the list."))


class PurposeRule(models.Model):
    """For one purpose of the register: who must ask, who approves, how long a grant lasts.

    Together with the standing rights this is the organisation's access policy; each saved
    change is kept as a PolicyVersion.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="purpose_rules"
    )
    purpose = models.OneToOneField(
        Purpose, on_delete=models.CASCADE, related_name="access_rule", verbose_name=_("purpose")
    )
    requester_roles = models.JSONField(
        _("who may ask"), default=list, blank=True, validators=[_validate_roles]
    )
    approver_roles = models.JSONField(
        _("who may approve"), default=list, blank=True, validators=[_validate_roles]
    )
    approvals_required = models.PositiveSmallIntegerField(
        _("approvals needed"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    grant_hours = models.PositiveIntegerField(
        _("grant lasts (hours)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 62)],
    )
    max_plays = models.PositiveIntegerField(
        _("plays per grant"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit within the grant's time."),
    )
    case_required = models.BooleanField(_("a case must be linked"), default=False)
    case_kind = models.CharField(
        _("kind of case"),
        max_length=32,
        choices=CaseKind.choices,
        blank=True,
        help_text=_("Cases of this kind are visible to the roles named in this rule."),
    )
    employee_present = models.BooleanField(
        _("played only with the employee present"),
        default=False,
        help_text=_(
            "Before the first second of audio the listener confirms that the employee who "
            "handled the call is with them; the listen is recorded as heard with the employee."
        ),
    )
    employee_request_listener = models.BooleanField(
        _("an employee's request is heard by someone else together with the employee"),
        default=False,
        help_text=_(
            "An employee who asks names who will listen (a member whose role may ask under this "
            "rule, not an employee); the grant goes to that person, the employee must be present, "
            "and the approver is a third person."
        ),
    )
    request_expiry_hours = models.PositiveIntegerField(
        _("an unanswered request expires after (hours)"),
        default=7 * 24,
        validators=[MinValueValidator(1)],
    )
    disclosure_recipients = models.ManyToManyField(
        Recipient,
        blank=True,
        related_name="+",
        verbose_name=_("outside recipients who may receive a copy"),
    )
    disclosure_link_days = models.PositiveSmallIntegerField(
        _("a disclosure link works for (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    class Meta:
        ordering = ["purpose__position"]
        verbose_name = _("access rule")
        verbose_name_plural = _("access rules")

    def __str__(self) -> str:
        return self.purpose.code

    def clean(self) -> None:
        if self.purpose_id and self.purpose.activity.organisation_id != self.organisation_id:
            raise ValidationError({"purpose": _("The purpose belongs to another organisation.")})
        if self.case_required and not self.case_kind:
            raise ValidationError({"case_kind": _("Say which kind of case must be linked.")})


class PolicyVersion(models.Model):
    """A snapshot of the whole access policy after each change, so any decision can be read
    against the policy that held at the time."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="policy_versions"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    summary = models.CharField(max_length=300, blank=True)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="policy_version_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.number}"


class Case(models.Model):
    """A complaint, suspected misconduct or threat: the thread that requests and listens hang on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cases")
    kind = models.CharField(_("kind"), max_length=32, choices=CaseKind.choices)
    reference = models.CharField(_("reference"), max_length=50)
    received_via = models.CharField(_("received via"), max_length=32, choices=ReceivedVia.choices)
    received_on = models.DateField(_("received on"))
    customer_contact = models.CharField(
        _("customer contact"),
        max_length=200,
        blank=True,
        help_text=_("How to reach the customer about this case, if it concerns a customer."),
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    recordings = models.ManyToManyField(
        Recording, blank=True, related_name="cases", verbose_name=_("recordings")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last closed: the retention of requests, cases and disclosures counts from here.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_reference_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()})"


class AccessRequest(models.Model):
    """A motivated request to hear (or hand over) recordings for one purpose: four eyes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="access_requests"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=RequestKind.choices, default=RequestKind.PLAYBACK
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests"
    )
    purpose = models.ForeignKey(
        Purpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose")
    )
    motivation = models.TextField(_("motivation"))
    # Who hears the calls when the grant comes: empty means the requester. An employee's request
    # under a rule with employee_request_listener names another member (never the requester).
    listener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("listener"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("case"),
    )
    recordings = models.ManyToManyField(
        Recording, related_name="access_requests", verbose_name=_("recordings")
    )
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    recipient_email = models.EmailField(_("recipient's e-mail address"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    approvals_required = models.PositiveSmallIntegerField(default=1)
    policy_version = models.PositiveIntegerField(default=0)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("unanswered until"))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [models.Index(fields=["organisation", "status"], name="request_org_status")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(listener=models.F("requester")),
                name="listener_is_not_requester",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.purpose.code} ({self.get_status_display()})"

    @property
    def hearer_id(self) -> int:
        """Who the grant goes to: the named listener, else the requester."""
        return self.listener_id or self.requester_id


class RequestDecision(models.Model):
    """One approver's answer. An approver approves a request at most once (database-enforced),
    so two approvals always come from two people."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="decisions")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "approver"],
                condition=models.Q(outcome="approve"),
                name="one_approval_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.approver_id})"


class Grant(models.Model):
    """What an approved playback request gives: the requester (or the listener it names) may
    hear its recordings for its purpose until expires_at (and max_plays times, where set),
    unless revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField(AccessRequest, on_delete=models.CASCADE, related_name="grant")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    max_plays = models.PositiveIntegerField(null=True, blank=True)
    plays = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"grant {self.pk}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and self.starts_at <= now < self.expires_at
            and (self.max_plays is None or self.plays < self.max_plays)
        )


class Disclosure(models.Model):
    """A copy handed to an outside recipient after an approved request: produced once, its
    SHA-256 kept, downloadable through a time-limited link that a separately sent code opens."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The approved request it answers; empty where another four-eyes step approved it (an
    # anonymised transcript, a data subject's copy of their own data).
    request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, related_name="disclosure", null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="disclosures"
    )
    # The register's recipient where there is one; a data subject receiving their own data is
    # not a recipient in the sense of the register (GDPR art. 4(9)), so it may be empty.
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recipient_label = models.CharField(max_length=200, default="")
    recipient_email = models.EmailField()
    purpose_code = models.CharField(max_length=100, blank=True)
    contents = models.CharField(
        max_length=20, choices=DisclosureContents.choices, default=DisclosureContents.RECORDINGS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=128)
    failed_code_attempts = models.PositiveSmallIntegerField(default=0)
    storage_key = models.CharField(max_length=200, blank=True)
    # The copy is sealed at rest like a recording (issue 19; access/disclosure_copy.py): its
    # data key wrapped under the key of the UTC day its link ends, so no backup of the audio
    # storage keeps it readable past that day. sealing "" is a plaintext copy made before.
    audio_key = models.ForeignKey(
        AudioKey, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wrapped_key = models.BinaryField(null=True, blank=True)
    sealing = models.CharField(max_length=8, blank=True, default="", db_default="")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    copy_deleted_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"disclosure {self.pk}"

    @property
    def is_open(self) -> bool:
        return (
            self.cancelled_at is None
            and self.copy_deleted_at is None
            and timezone.now() < self.expires_at
        )
