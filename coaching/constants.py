from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no / not applicable")
    SCALE_1_5 = "scale_1_5", _("1 to 5")
    SCALE_0_10 = "scale_0_10", _("0 to 10")


class CriterionKind(models.TextChoices):
    """How a criterion counts: in the weighted score, in the separate critical score, or as a
    fatal criterion that fails the whole evaluation when it is not met."""

    NORMAL = "normal", _("Counts in the score")
    CRITICAL = "critical", _("Critical: scored separately")
    FATAL = "fatal", _("Fatal: failing it fails the evaluation")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("In use")
    RETIRED = "retired", _("Replaced by a newer version")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RELEASED = "released", _("Released to the employee")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISPUTED = "disputed", _("Disputed")
    RETRACTED = "retracted", _("Retracted")


# The answers an answer type takes, lowest first; None is "not applicable".
ANSWER_VALUES = {
    AnswerType.YES_NO: (0, 1),
    AnswerType.SCALE_1_5: (1, 2, 3, 4, 5),
    AnswerType.SCALE_0_10: tuple(range(11)),
}


class ConsentUse(models.TextChoices):
    CALIBRATION = "calibration", _("as a calibration case")
    TRAINING = "training", _("as training material")


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("Asked, not yet answered")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open: scoring blind")
    CLOSED = "closed", _("Closed: compared")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: re-scored")
    REJECTED = "rejected", _("Rejected")


# Who may be the arbiter of disputes besides the coach, and stays one only while in such a role.
ARBITER_ROLES = frozenset({"coach", "team_leader", "manager"})


class SampleMode(models.TextChoices):
    """When a quarter's random sample is drawn."""

    SPREAD = "spread", _("Spread over the quarter: one call per employee as each part ends")
    AT_ONCE = "at_once", _("At once: all calls per employee together when the quarter ends")
