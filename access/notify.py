"""E-mail about requests. Mails carry a link and no personal data of callers: the recipient
signs in to read the request (the in-app requests page lists the same)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


def _request_url(request) -> str:
    path = reverse(
        "requests:detail",
        kwargs={"org_slug": request.organisation.slug, "request_id": request.pk},
    )
    return settings.BASE_URL + path


def _send(subject: str, body: str, users: Iterable) -> None:
    addresses = sorted({user.email for user in users if user.email})
    for address in addresses:
        # One message per person: approvers do not learn each other's addresses.
        send_mail(subject, body, None, [address], fail_silently=False)


def request_created(request, approvers) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: a request waits for your decision")
        body = _(
            "%(requester)s asks for access to %(count)d recording(s) of %(organisation)s for "
            'the purpose "%(purpose)s".\n\nRead the motivation and decide:\n%(url)s\n'
        ) % {
            "requester": request.requester.get_username(),
            "count": request.recordings.count(),
            "organisation": request.organisation.name,
            "purpose": request.purpose.label,
            "url": _request_url(request),
        }
        _send(subject, body, approvers)


def request_escalated(request, approver) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: a request was passed on to you")
        body = _(
            "A request of %(organisation)s was passed on to you for a decision:\n%(url)s\n"
        ) % {"organisation": request.organisation.name, "url": _request_url(request)}
        _send(subject, body, [approver])


def request_decided(request) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: your request was answered (%(status)s)") % {
            "status": request.get_status_display()
        }
        body = _('Your request for the purpose "%(purpose)s" is now: %(status)s.\n%(url)s\n') % {
            "purpose": request.purpose.label,
            "status": request.get_status_display(),
            "url": _request_url(request),
        }
        # The listener an employee's request named hears the calls: they learn it too.
        _send(subject, body, [request.requester, *([request.listener] if request.listener else [])])
