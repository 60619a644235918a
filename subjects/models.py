"""Data subject requests: the request, the person's identifiers (as keyed digests), the
deadline warnings sent, the per-year reference counter and the public form's switch."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from subjects.constants import (
    AnswerLanguage,
    IdentifierKind,
    SubjectDecision,
    SubjectReceivedVia,
    SubjectRequestStatus,
    SubjectRight,
)

DIGEST_LENGTH = 64  # hex of HMAC-SHA256


class SubjectRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="subject_requests"
    )
    # "AVG-2026-0001"; empty while a public form's request is not yet confirmed.
    reference = models.CharField(_("reference"), max_length=50, blank=True)
    right = models.CharField(_("right"), max_length=16, choices=SubjectRight.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubjectRequestStatus.choices,
        default=SubjectRequestStatus.OPEN,
    )
    received_on = models.DateField(_("received on"))
    received_via = models.CharField(
        _("received via"), max_length=16, choices=SubjectReceivedVia.choices
    )
    requester_name = models.CharField(_("requester's name"), max_length=200)
    requester_email = models.EmailField(_("requester's e-mail address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # One month after receipt; extended_deadline when it was extended (art. 12(3)).
    deadline = models.DateField(_("deadline"))
    extended_deadline = models.DateField(_("extended deadline"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    extended_at = models.DateTimeField(null=True, blank=True)
    # Empty for a request sent through the public form.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The public form's confirmation link: only the SHA-256 of its secret is kept.
    confirmation_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    confirmation_expires_at = models.DateTimeField(null=True, blank=True)

    decision = models.CharField(
        _("decision"), max_length=16, choices=SubjectDecision.choices, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    answer_language = models.CharField(
        _("language of the answer"),
        max_length=2,
        choices=AnswerLanguage.choices,
        default=AnswerLanguage.NL,
    )
    # Answered or withdrawn: the case retention counts from here.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "created_at"]
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                condition=~models.Q(reference=""),
                name="subject_request_reference_unique_in_org",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SubjectRequestStatus.values),
                name="subject_request_status_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(right__in=SubjectRight.values),
                name="subject_request_right_is_known",
            ),
            # An extension always says why.
            models.CheckConstraint(
                condition=models.Q(extended_deadline__isnull=True) | ~models.Q(extension_reason=""),
                name="subject_request_extension_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "deadline"], name="subj_org_status_dl"),
            # The warning task and the clean-up of unconfirmed requests, across organisations.
            models.Index(fields=["status", "deadline"], name="subj_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.reference or str(self.pk)

    @property
    def effective_deadline(self) -> date:
        return self.extended_deadline or self.deadline

    @property
    def is_open(self) -> bool:
        return self.status == SubjectRequestStatus.OPEN


class SubjectIdentifier(models.Model):
    """One identifier of the person a request is about: a keyed digest of the normalised value
    (subjects.identifiers) for the search, and what the page may show."""

    request = models.ForeignKey(
        SubjectRequest, on_delete=models.CASCADE, related_name="identifiers"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IdentifierKind.choices)
    digest = models.CharField(max_length=DIGEST_LENGTH)
    # Phone in international form, a BSN masked to its last three digits, a name as given.
    display = models.CharField(_("identifier"), max_length=200)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "digest"], name="subject_identifier_once_per_request"
            )
        ]
        indexes = [models.Index(fields=["kind", "digest"], name="subj_ident_kind_digest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display}"


class SubjectDeadlineWarning(models.Model):
    """A warning e-mail sent to the privacy officers before the deadline: once per day count."""

    request = models.ForeignKey(
        SubjectRequest, on_delete=models.CASCADE, related_name="deadline_warnings"
    )
    days_before = models.PositiveSmallIntegerField()
    deadline = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            # Per deadline: an extended deadline is warned about again.
            models.UniqueConstraint(
                fields=["request", "deadline", "days_before"], name="subject_warning_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} -{self.days_before}d"


class SubjectReferenceCounter(models.Model):
    """The last reference number given per organisation and year (locked when taking one)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="subject_reference_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class PublicRequestForm(models.Model):
    """Whether the organisation publishes its request form at rights/<slug>/."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="public_request_form"
    )
    enabled = models.BooleanField(_("published"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public request form")
        verbose_name_plural = _("public request forms")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.enabled}"


class PublicSubmission(models.Model):
    """One submission of the public form, for the rate limit: the client address only as a
    keyed digest; deleted after a day by the beat task."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    client_digest = models.CharField(max_length=DIGEST_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["client_digest", "created_at"], name="subj_sub_client"),
            models.Index(fields=["organisation", "created_at"], name="subj_sub_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.created_at}"


# The answer to a request (copy, erasure, four eyes) lives in a module of its own.
from subjects.answer_models import SubjectAnswer  # noqa: E402, F401
