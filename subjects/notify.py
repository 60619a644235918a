"""E-mail about data subject requests. Mails to staff carry the reference and a link, never
the requester's personal data: they sign in to read it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from organisations.constants import Role
from subjects.constants import CONFIRMATION_HOURS


def privacy_officers(organisation):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role=Role.PRIVACY_OFFICER,
            memberships__active=True,
        )
        .exclude(email="")
        .distinct()
    )


def _detail_url(subject_request) -> str:
    return settings.BASE_URL + reverse(
        "subjects:detail",
        kwargs={
            "org_slug": subject_request.organisation.slug,
            "subject_request_id": subject_request.pk,
        },
    )


def _send_each(subject: str, body: str, users) -> int:
    addresses = sorted({user.email for user in users})
    for address in addresses:
        # One message per person: officers do not learn each other's addresses.
        send_mail(subject, body, None, [address])
    return len(addresses)


def confirmation_link(subject_request, token: str, *, language: str) -> None:
    url = settings.BASE_URL + reverse(
        "subjects_public:confirm",
        kwargs={"slug": subject_request.organisation.slug, "token": token},
    )
    with translation.override(language):
        subject = _("Confirm your request to %(organisation)s") % {
            "organisation": subject_request.organisation.name
        }
        body = _(
            "You sent a request about your personal data (%(right)s) to %(organisation)s.\n\n"
            "Confirm your e-mail address by opening this link within %(hours)d hours:\n%(url)s\n\n"
            "Only then is the request sent on; the one-month period starts on the day you "
            "confirm. If you did not send this request, ignore this message: it is deleted "
            "after %(hours)d hours.\n"
        ) % {
            "right": subject_request.get_right_display(),
            "organisation": subject_request.organisation.name,
            "hours": CONFIRMATION_HOURS,
            "url": url,
        }
    send_mail(subject, body, None, [subject_request.requester_email])


def request_arrived(subject_request) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: a data subject request arrived (%(reference)s)") % {
            "reference": subject_request.reference
        }
        body = _(
            "A data subject request (%(right)s) arrived through the public form of "
            "%(organisation)s and was confirmed by e-mail. It must be answered by %(deadline)s.\n"
            "%(url)s\n"
        ) % {
            "right": subject_request.get_right_display(),
            "organisation": subject_request.organisation.name,
            "deadline": subject_request.effective_deadline.strftime("%d-%m-%Y"),
            "url": _detail_url(subject_request),
        }
    return _send_each(subject, body, privacy_officers(subject_request.organisation))


def deadline_warning(subject_request, days_left: int) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: data subject request %(reference)s is due on %(deadline)s") % {
            "reference": subject_request.reference,
            "deadline": subject_request.effective_deadline.strftime("%d-%m-%Y"),
        }
        body = _(
            "Data subject request %(reference)s (%(right)s) of %(organisation)s must be "
            "answered by %(deadline)s, in %(days)d day(s). Answer it, or extend the deadline "
            "with a reason if that is still possible:\n%(url)s\n"
        ) % {
            "reference": subject_request.reference,
            "right": subject_request.get_right_display(),
            "organisation": subject_request.organisation.name,
            "deadline": subject_request.effective_deadline.strftime("%d-%m-%Y"),
            "days": days_left,
            "url": _detail_url(subject_request),
        }
    return _send_each(subject, body, privacy_officers(subject_request.organisation))
