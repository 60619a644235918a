"""E-mail about transcripts, sent once the step commits. Like the request mails they carry a
link and no personal data of callers: the recipient signs in to read the transcript."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from access.notify import _send


def _url(transcript) -> str:
    path = reverse(
        "transcripts:detail",
        kwargs={"org_slug": transcript.organisation.slug, "transcript_id": transcript.pk},
    )
    return settings.BASE_URL + path


def transcript_submitted(transcript, approvers) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: an anonymised transcript waits for your approval")
        body = _(
            "%(author)s typed an anonymised transcript of a call of %(organisation)s for the "
            'purpose "%(purpose)s". Check that no personal data is left and decide:\n%(url)s\n'
        ) % {
            "author": transcript.author.get_username(),
            "organisation": transcript.organisation.name,
            "purpose": transcript.purpose.code,
            "url": _url(transcript),
        }
        _send(subject, body, approvers)


def transcript_decided(transcript) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: your anonymised transcript was answered (%(status)s)") % {
            "status": transcript.get_status_display()
        }
        body = _("Your anonymised transcript is now: %(status)s.\n%(url)s\n") % {
            "status": transcript.get_status_display(),
            "url": _url(transcript),
        }
        _send(subject, body, [transcript.author])
