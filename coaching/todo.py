"""Coaching's work on the dashboard.

The coach: own drafts (before the audio is erased), sampled calls, blind calibration sheets and
open disputes to answer. The employee: released evaluations to read and acknowledge, and
questions about using their calls. A team leader who asks for the sample: the sampled calls."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.calibration import sessions_for
from coaching.consent import consents_waiting_for
from coaching.constants import ARBITER_ROLES, DisputeStatus, EvaluationStatus, SessionStatus
from coaching.disputes import dispute_deadline
from coaching.evaluations import evaluations_of_employee
from coaching.models import CoachingSettings, Dispute, Evaluation
from coaching.sample_requests import may_ask_for_samples, sample_items_for
from coaching.sampling import queue_for
from organisations import roles
from organisations.models import Membership
from organisations.todo import Todo, WorkItem, person, todo_group
from recordings.labels import call_title, call_when


def _evaluation_url(membership: Membership, evaluation_id) -> str:
    return reverse(
        "coaching:evaluation",
        kwargs={"org_slug": membership.organisation.slug, "evaluation_id": evaluation_id},
    )


def _evaluates(membership: Membership) -> bool:
    return membership.user.has_perm(
        f"organisations.{roles.EVALUATE_CALLS}", membership.organisation
    )


def _drafts(membership: Membership) -> Todo:
    drafts = Evaluation.objects.filter(
        organisation=membership.organisation_id,
        coach=membership.user_id,
        status=EvaluationStatus.DRAFT,
        calibration__isnull=True,
    ).select_related("recording__employee__team", "employee", "form_version__form")

    def item(evaluation: Evaluation) -> WorkItem:
        return WorkItem(
            title=call_title(evaluation.recording),
            url=_evaluation_url(membership, evaluation.pk),
            # The draft can only be finished while the call can still be heard.
            deadline=evaluation.recording.purge_deadline,
            detail=" · ".join(
                part
                for part in (
                    evaluation.employee.name if evaluation.employee else "",
                    evaluation.form_version.form.name,
                )
                if part
            ),
        )

    return todo_group(
        _("Your draft evaluations"),
        reverse("coaching:overview", kwargs={"org_slug": membership.organisation.slug}),
        drafts.order_by("recording__purge_deadline"),
        item,
    )


def _samples(membership: Membership, items, label: str) -> Todo:
    url = reverse("coaching:samples", kwargs={"org_slug": membership.organisation.slug})
    items = items.select_related("recording__employee__team")

    def item(sample) -> WorkItem:
        return WorkItem(
            title=call_title(sample.recording),
            url=url,
            deadline=sample.recording.purge_deadline,
            detail=sample.employee.name,
        )

    return todo_group(
        label,
        url,
        items.order_by("recording__purge_deadline"),
        item,
    )


def _calibration_sheets(membership: Membership) -> Todo:
    submitted = Evaluation.objects.filter(
        coach=membership.user_id, calibration__isnull=False, status=EvaluationStatus.RELEASED
    ).values("calibration_id")
    sessions = (
        sessions_for(membership)
        .filter(status=SessionStatus.OPEN, participants=membership.user_id)
        .exclude(pk__in=submitted)
    )
    slug = membership.organisation.slug

    def item(session) -> WorkItem:
        return WorkItem(
            # The employee stays unnamed: a session may score blind to who took the call.
            title=_("Calibration: %(form)s") % {"form": session.form_version.form.name},
            url=reverse(
                "coaching:calibration", kwargs={"org_slug": slug, "session_id": session.pk}
            ),
            deadline=session.closes_by,
            detail=_("Call of %(when)s · led by %(who)s")
            % {"when": call_when(session.recording), "who": person(session.lead)},
        )

    return todo_group(
        _("Calibration sessions waiting for your scores"),
        reverse("coaching:overview", kwargs={"org_slug": slug}),
        sessions.order_by("closes_by"),
        item,
    )


def disputes_to_answer(membership: Membership):
    """Open disputes this member answers: of their own evaluations, and as the organisation's
    arbiter while in a coaching role."""
    mine = Q(evaluation__coach=membership.user_id)
    if (
        membership.role in ARBITER_ROLES
        and CoachingSettings.objects.filter(
            organisation=membership.organisation_id, arbiter=membership.user_id
        ).exists()
    ):
        mine = Q()
    return Dispute.objects.filter(
        mine,
        evaluation__organisation=membership.organisation_id,
        status=DisputeStatus.OPEN,
    ).select_related("evaluation__recording__employee__team", "evaluation__employee", "criterion")


def _disputes(membership: Membership) -> Todo:
    disputes = disputes_to_answer(membership)

    def item(dispute: Dispute) -> WorkItem:
        evaluation = dispute.evaluation
        return WorkItem(
            title=_("Dispute: %(criterion)s") % {"criterion": dispute.criterion.text},
            url=_evaluation_url(membership, evaluation.pk),
            detail=_("%(call)s · raised by %(who)s")
            % {
                "call": call_title(evaluation.recording),
                "who": evaluation.employee.name if evaluation.employee else "—",
            },
        )

    return todo_group(
        _("Disputes waiting for your answer"),
        reverse("coaching:overview", kwargs={"org_slug": membership.organisation.slug}),
        disputes.order_by("raised_at"),
        item,
    )


def coaching_waiting(membership: Membership) -> list[Todo]:
    """The coach's groups."""
    if not _evaluates(membership):
        return []
    return [
        _drafts(membership),
        _samples(
            membership, queue_for(membership), _("Sampled calls to listen to with the employee")
        ),
        _calibration_sheets(membership),
    ]


def disputes_waiting(membership: Membership) -> list[Todo]:
    """Disputes to answer: the coach's own, and all open ones for the organisation's arbiter,
    who may be a team leader or manager without the coach's groups."""
    return [_disputes(membership)]


def samples_to_ask(membership: Membership) -> list[Todo]:
    """The sampled calls waiting for a member who asks for them (a team leader); coaches find
    theirs in coaching_waiting."""
    if _evaluates(membership) or not may_ask_for_samples(membership):
        return []
    return [
        _samples(
            membership, sample_items_for(membership), _("Sampled calls to hear with the employee")
        )
    ]


def employee_waiting(membership: Membership) -> list[Todo]:
    """The employee's: evaluations to read and acknowledge, and questions about their calls."""
    slug = membership.organisation.slug
    overview = reverse("coaching:overview", kwargs={"org_slug": slug})
    unread = (
        evaluations_of_employee(membership)
        .filter(status=EvaluationStatus.RELEASED, acknowledged_at__isnull=True)
        .select_related("recording__employee__team", "coach", "organisation")
    )
    now = timezone.now()

    def evaluation_item(evaluation: Evaluation) -> WorkItem:
        until = dispute_deadline(evaluation)
        return WorkItem(
            title=_("Evaluation: %(call)s") % {"call": call_title(evaluation.recording)},
            url=_evaluation_url(membership, evaluation.pk),
            # Until when it can be disputed; after that it only waits to be read.
            deadline=until if until and until > now else None,
            detail=_("by %(who)s") % {"who": person(evaluation.coach)},
        )

    questions = consents_waiting_for(membership).select_related("recording__employee__team")

    def consent_item(consent) -> WorkItem:
        return WorkItem(
            title=_("May your call be used %(use)s?") % {"use": consent.get_use_display()},
            url=overview,
            deadline=consent.recording.purge_deadline,
            detail=_("%(call)s · asked by %(who)s")
            % {"call": call_title(consent.recording), "who": person(consent.asked_by)},
        )

    return [
        todo_group(
            _("Evaluations for you to read"),
            overview,
            unread.order_by("released_at"),
            evaluation_item,
        ),
        todo_group(
            _("Questions about using your calls"),
            overview,
            questions.order_by("recording__purge_deadline"),
            consent_item,
        ),
    ]
