"""E-mail to the people who may approve a prepared answer (other privacy officers and the
managers): the request's reference and a link, never the requester's personal data."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from subjects.answer_models import SubjectAnswer


def _approvers(answer: SubjectAnswer, roles) -> list[str]:
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=answer.organisation_id,
            memberships__role__in=list(roles),
            memberships__active=True,
        )
        .exclude(pk=answer.prepared_by_id)
        .exclude(email="")
        .distinct()
    )
    return sorted({user.email for user in users})


def approvers_notify_on_commit(answer: SubjectAnswer, roles) -> None:
    """Once the preparation commits, one message per approver (addresses stay private)."""

    def send() -> None:
        url = settings.BASE_URL + reverse(
            "subjects:answer",
            kwargs={"org_slug": answer.organisation.slug, "answer_id": answer.pk},
        )
        reference = answer.subject_request.reference
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Answer to data subject request %(reference)s waits for your approval") % {
                "reference": reference
            }
            body = _(
                "An answer to data subject request %(reference)s (%(action)s) was prepared and "
                "waits for a second person's approval before anything is sent or erased. The "
                "deadline is %(deadline)s.\n\nRead and approve or reject it here:\n%(url)s\n"
            ) % {
                "reference": reference,
                "action": answer.get_action_display(),
                "deadline": answer.subject_request.effective_deadline.strftime("%d-%m-%Y"),
                "url": url,
            }
        for address in _approvers(answer, roles):
            send_mail(subject, body, None, [address])

    transaction.on_commit(send)
