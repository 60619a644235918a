"""The processing register (GDPR art. 30) as the configuration Earshot runs on.

Purposes and retention periods are read from here and nowhere else.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.constants import Role
from organisations.models import Organisation
from register.constants import (
    CustomerField,
    DataCategory,
    LegalBasis,
    RecipientKind,
    RetentionUnit,
)


class ProcessingActivity(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="processing_activities"
    )
    reference = models.CharField(_("reference"), max_length=50)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    published_organisation = models.TextField(
        _("organisation"),
        blank=True,
        help_text=_("The organisation as the published register names it, one line each."),
    )
    controller_name = models.TextField(_("controller"), blank=True)
    controller_visiting_address = models.TextField(_("visiting address"), blank=True)
    controller_postal_address = models.TextField(_("postal address"), blank=True)
    automated_decision_making = models.TextField(_("automated decision-making"), blank=True)
    transfer_outside_eu = models.TextField(_("transfer outside the EU"), blank=True)
    related_processing = models.TextField(_("related processing activities"), blank=True)
    recorded_customer_fields = models.JSONField(
        _("customer identification recorded with calls"),
        default=list,
        blank=True,
        help_text=_("Which customer fields a recording may carry (register.CustomerField)."),
    )

    class Meta:
        ordering = ["reference"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="activity_reference_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def clean(self) -> None:
        unknown = set(self.recorded_customer_fields or []) - set(CustomerField.values)
        if unknown:
            raise ValidationError(
                {
                    "recorded_customer_fields": _("Unknown customer fields: %(fields)s")
                    % {"fields": ", ".join(sorted(unknown))}
                }
            )


class Purpose(models.Model):
    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="purposes"
    )
    code = models.SlugField(
        _("code"), max_length=64, help_text=_("Stable name that requests and listens refer to.")
    )
    description = models.TextField(_("purpose"))
    short_label = models.CharField(
        _("short name"),
        max_length=60,
        blank=True,
        help_text=_(
            "A few words shown in the player, the request form and the timeline, "
            "beside the full wording of the register."
        ),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    legal_basis_note = models.TextField(_("explanation of the legal basis"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["activity", "position"]
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        constraints = [
            models.UniqueConstraint(fields=["activity", "code"], name="purpose_code_unique"),
            models.CheckConstraint(
                condition=models.Q(legal_basis__in=LegalBasis.values),
                name="purpose_legal_basis_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def label(self) -> str:
        """What a page shows: the short name, or the register's wording cut at a word."""
        if self.short_label:
            return self.short_label
        if len(self.description) <= 60:
            return self.description
        return self.description[:57].rsplit(" ", 1)[0].rstrip(",;:") + "…"


class RetentionPeriod(models.Model):
    """Abstract: a typed duration (value + unit) and the words the register uses for it."""

    retention_value = models.PositiveIntegerField(
        _("retention period"), validators=[MinValueValidator(1)]
    )
    retention_unit = models.CharField(
        _("unit"), max_length=10, choices=RetentionUnit.choices, default=RetentionUnit.DAYS
    )
    retention_text = models.TextField(_("retention as worded in the register"), blank=True)
    period_set_by_organisation = models.BooleanField(
        _("period set by the organisation"),
        default=False,
        help_text=_(
            "The number is the organisation's own, not in the published register "
            "(which only gives the words)."
        ),
    )

    class Meta:
        abstract = True

    @property
    def retention_days(self) -> int:
        """The period in whole days, never longer than declared (a month counts 28 days,
        a year 365), so rounding can only shorten how long data is kept."""
        factor = {RetentionUnit.DAYS: 1, RetentionUnit.MONTHS: 28, RetentionUnit.YEARS: 365}
        return self.retention_value * factor[RetentionUnit(self.retention_unit)]

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)


class DataSubjectEntry(RetentionPeriod):
    """One line of 'Betrokkenen en gegevens': whose data, which data, why, how long, from where."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="data_subject_entries"
    )
    position = models.PositiveSmallIntegerField(default=0)
    subject_category = models.TextField(_("data subjects"))
    personal_data = models.TextField(_("personal data"))
    collection_purpose = models.TextField(_("collection purpose"))
    data_category = models.CharField(
        _("data category"), max_length=32, choices=DataCategory.choices
    )
    source = models.TextField(_("source"), blank=True)
    mandatory_supply = models.BooleanField(_("mandatory supply"), default=False)
    mandatory_supply_text = models.TextField(_("mandatory supply as worded"), blank=True)

    class Meta:
        ordering = ["activity", "position"]
        verbose_name = _("data subject entry")
        verbose_name_plural = _("data subject entries")

    def __str__(self) -> str:
        return f"{self.subject_category[:60]}: {self.personal_data[:60]}"


class Recipient(models.Model):
    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="recipients"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.TextField(_("recipient"))
    kind = models.CharField(_("kind"), max_length=32, choices=RecipientKind.choices)
    role = models.CharField(
        _("role"),
        max_length=32,
        choices=Role.choices,
        blank=True,
        help_text=_("For recipients inside the organisation: the role that receives."),
    )

    class Meta:
        ordering = ["activity", "position"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")

    def __str__(self) -> str:
        return self.name


class RegisterVersion(models.Model):
    """One processing activity as it stood after a change: the register's own history.

    The snapshot has the shape of the JSON export (register.document.activity_document), so
    any version can be read, compared and exported as the current one is."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="register_versions"
    )
    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    summary = models.CharField(_("what changed"), max_length=500)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["activity", "-number"]
        verbose_name = _("register version")
        verbose_name_plural = _("register versions")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "number"], name="register_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity.reference} v{self.number}"


class RecordingPolicy(models.Model):
    """The organisation's recording policy text as published to its employees, one row per
    version. A published version is never edited: publishing again makes the next one, and
    every member is asked to acknowledge it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="recording_policies"
    )
    version = models.PositiveIntegerField(_("version"))
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["organisation", "-version"]
        verbose_name = _("recording policy")
        verbose_name_plural = _("recording policies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="recording_policy_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title_en} v{self.version}"

    def title_in(self, language: str) -> str:
        return self.title_nl if language.startswith("nl") else self.title_en

    def text_in(self, language: str) -> str:
        return self.text_nl if language.startswith("nl") else self.text_en


class PolicyAcknowledgement(models.Model):
    policy = models.ForeignKey(
        RecordingPolicy, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)
    language = models.CharField(_("language read"), max_length=8)

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            # A second click on "I have read it" changes nothing.
            models.UniqueConstraint(fields=["policy", "user"], name="one_acknowledgement_each")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.policy_id}"
