"""QM forms in versions, and evaluations of calls against a version.

A form version that an evaluation has used never changes: its sections and criteria refuse to
be saved or deleted (FormVersionInUse), and editing the form makes a new version
(coaching.forms_service.version_for_editing). Evaluations keep working after the recording is
purged: the recording row stays as a tombstone, and the evaluation holds its own copy of the
call's date and employee.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coaching.constants import (
    AnswerType,
    ConsentStatus,
    ConsentUse,
    CriterionKind,
    DisputeStatus,
    EvaluationStatus,
    SampleMode,
    SessionStatus,
    VersionStatus,
)
from organisations.models import Employee, Organisation
from recordings.models import Recording
from register.models import Purpose


class FormVersionInUse(Exception):
    """A used form version was about to change; make a new version instead."""


class QMForm(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="qm_forms"
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("QM form")
        verbose_name_plural = _("QM forms")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="qm_form_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    form = models.ForeignKey(QMForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["form", "-number"]
        verbose_name = _("QM form version")
        verbose_name_plural = _("QM form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="qm_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form.name} v{self.number}"

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.evaluations.exists()


class _PartOfVersion(models.Model):
    """Sections and criteria: frozen once their version is used."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_used()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_used()
        return super().delete(*args, **kwargs)

    def _version(self) -> FormVersion:
        raise NotImplementedError

    def _refuse_if_used(self) -> None:
        version = self._version()
        if version.pk and Evaluation.objects.filter(form_version=version).exists():
            raise FormVersionInUse(f"{version} is used by evaluations; edit a new version")


class FormSection(_PartOfVersion):
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("section"), max_length=200)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title

    def _version(self) -> FormVersion:
        return self.version


class Criterion(_PartOfVersion):
    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("criterion"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True)
    answer_type = models.CharField(
        _("answer"), max_length=16, choices=AnswerType.choices, default=AnswerType.YES_NO
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    kind = models.CharField(
        _("counts as"), max_length=16, choices=CriterionKind.choices, default=CriterionKind.NORMAL
    )
    not_applicable_allowed = models.BooleanField(_("may be answered not applicable"), default=True)

    class Meta:
        ordering = ["section", "position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.text

    def _version(self) -> FormVersion:
        return self.section.version


class Evaluation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="evaluations"
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="evaluations"
    )
    # The recording row outlives its audio as a tombstone, so the link stays.
    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="+")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluations"
    )
    # The call's start, kept so the evaluation reads the same after the purge.
    call_started_at = models.DateTimeField(_("call"))
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations_given"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.DRAFT,
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True)
    critical_score = models.DecimalField(
        _("critical score"), max_digits=5, decimal_places=2, null=True
    )
    fatal_failed = models.BooleanField(_("failed on a fatal criterion"), default=False)
    summary = models.TextField(_("summary for the employee"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    retracted_reason = models.TextField(_("reason for retracting"), blank=True)
    # Set for a coach's blind score in a calibration session: it never counts in the
    # employee's own results and is never shown to the employee.
    calibration = models.ForeignKey(
        "CalibrationSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scores",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"], name="eval_org_status"),
            models.Index(fields=["organisation", "employee", "-created_at"], name="eval_org_emp"),
            # Reports: released evaluations by month, per organisation.
            models.Index(fields=["organisation", "released_at"], name="eval_org_released"),
        ]

    def __str__(self) -> str:
        return f"{self.form_version} / {self.call_started_at:%Y-%m-%d}"


class Answer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)  # None with not_applicable
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="one_answer_per_criterion"
            ),
            models.CheckConstraint(
                condition=~(models.Q(not_applicable=True) & models.Q(value__isnull=False)),
                name="not_applicable_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {'n/a' if self.not_applicable else self.value}"


class TimedComment(models.Model):
    """A comment pinned to a second of the call; clicking it moves the player there."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="timed_comments"
    )
    second = models.DecimalField(max_digits=8, decimal_places=1)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evaluation", "second"]

    def __str__(self) -> str:
        return f"{self.second}s: {self.text[:40]}"


class Consent(models.Model):
    """The employee's answer to "may I use this call as a calibration case / for training?"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="consents")
    use = models.CharField(_("use"), max_length=16, choices=ConsentUse.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.PENDING
    )
    note = models.TextField(_("why the coach asks"), blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            # One open question or one standing consent per call and use: asking twice
            # returns the same question.
            models.UniqueConstraint(
                fields=["recording", "use"],
                condition=models.Q(status__in=["pending", "granted"]),
                name="one_live_consent_per_call_and_use",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recording_id} {self.use}: {self.status}"


class CalibrationSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="calibration_sessions"
    )
    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="+")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expert (the reference)"),
    )
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    hide_employee = models.BooleanField(_("hide the employee's name until closed"), default=True)
    closes_by = models.DateField(_("to be closed by"))
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    call_started_at = models.DateTimeField(_("call"))
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Krippendorff's alpha at closing, kept for the agreement-over-time report.
    alpha = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")

    def __str__(self) -> str:
        return f"{self.form_version} / {self.call_started_at:%Y-%m-%d}"


class SamplingPolicy(models.Model):
    """How many calls per employee per quarter the random sample draws (TBI: 3)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sampling_policy"
    )
    per_quarter = models.PositiveSmallIntegerField(
        _("calls per employee per quarter"), validators=[MaxValueValidator(12)]
    )
    purpose = models.ForeignKey(
        Purpose,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("purpose the sample serves"),
    )
    mode = models.CharField(
        _("when the sample is drawn"),
        max_length=10,
        choices=SampleMode.choices,
        default=SampleMode.SPREAD,
    )

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.per_quarter} per quarter"


class SampleDraw(models.Model):
    """One draw of the quarter's sample: one call per employee from the calls of one slot of
    the quarter. The seed and the population are kept, so anyone can redo the draw and see that
    the choice was random, not picked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sample_draws"
    )
    quarter = models.CharField(_("quarter"), max_length=7)  # "2026Q4"
    slot = models.PositiveSmallIntegerField(_("draw of the quarter"))  # 1..per_quarter
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    seed = models.CharField(max_length=64)
    # {employee id: [recording ids the draw chose from, sorted]}; employees with none are
    # listed as having too few calls.
    population = models.JSONField()
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "quarter", "slot"], name="one_draw_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quarter} draw {self.slot}"


class SampleItem(models.Model):
    """A drawn call in the coaches' queue, listened to with the employee present."""

    draw = models.ForeignKey(SampleDraw, on_delete=models.CASCADE, related_name="items")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="+")
    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="sample_item"
    )
    employee_present = models.BooleanField(_("the employee listened along"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draw", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "employee"], name="one_sample_per_draw")
        ]

    def __str__(self) -> str:
        return f"{self.draw} / {self.employee_id}"


class CoachingSettings(models.Model):
    """How long and how often an employee may dispute a released evaluation, and who besides
    the coach answers disputes."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="coaching_settings"
    )
    dispute_days = models.PositiveSmallIntegerField(_("days to dispute"), default=14)
    max_disputes = models.PositiveSmallIntegerField(
        _("disputes per evaluation"), default=2, validators=[MaxValueValidator(20)]
    )
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arbiter"),
    )

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.dispute_days} days, {self.max_disputes}"


class Dispute(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="disputes")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"],
                condition=models.Q(status="open"),
                name="one_open_dispute_per_answer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} / {self.criterion_id}: {self.status}"


class EvaluationRevision(models.Model):
    """An evaluation as it stood before a re-score: answers and scores, kept."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField()  # {criterion id: [value, not applicable]}
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    critical_score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    fatal_failed = models.BooleanField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    dispute = models.ForeignKey(Dispute, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} r{self.number}"


class EvaluationMonth(models.Model):
    """Counted evaluations of one month, employee and coach: what the reports read instead of
    every evaluation. Kept in step by coaching.rollups in the transaction that changes an
    evaluation (release, re-score, retraction)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, null=True, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    evaluations = models.PositiveIntegerField()
    scored = models.PositiveIntegerField()  # evaluations with a score (not all n/a)
    score_sum = models.DecimalField(max_digits=12, decimal_places=2)
    failed = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "month"], name="evalmonth_org_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.employee_id}/{self.coach_id}: {self.evaluations}"


class CriterionMonth(models.Model):
    """Answers to one criterion (by its text, across form versions) in one month, employee and
    coach, on the score's 0-1 scale: the weakest-criteria report reads these."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, null=True, related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    criterion_text = models.CharField(max_length=300)
    answers = models.PositiveIntegerField()
    normalised_sum = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "month"], name="critmonth_org_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.criterion_text[:30]}: {self.answers}"
