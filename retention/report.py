"""The purge report goes to the privacy officers by e-mail when anything needs them: a failed
run, a call that could not be erased, or anything overdue. The page shows every run."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from organisations.constants import Role


def purge_report_send(run) -> int:
    officers = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=run.organisation_id,
            memberships__role=Role.PRIVACY_OFFICER,
            memberships__active=True,
        )
        .exclude(email="")
    )
    url = settings.BASE_URL + reverse(
        "retention:overview", kwargs={"org_slug": run.organisation.slug}
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Earshot: the purge of %(organisation)s needs your attention") % {
            "organisation": run.organisation.name
        }
        body = _(
            "Purge run of %(started)s (%(status)s):\n"
            "erased: %(purged)d\nfailed: %(failed)d\nunder legal hold: %(held)d\n"
            "overdue after the run: %(overdue)d\n"
            "cases, requests and disclosures erased: %(cases)d, %(requests)d, %(disclosures)d\n"
            "cases or requests kept because a disclosure copy would not go: %(records_failed)d\n"
            "audio keys destroyed: %(keys_destroyed)d, not destroyed (retried): %(keys_failed)d\n"
            "%(others)s%(error)s\nDetails: %(url)s\n"
        ) % {
            "others": "".join(
                _("%(records)s erased: %(n)d\n") % {"records": label, "n": n}
                for label, n in run.others_erased_list
            ),
            "cases": run.cases_erased,
            "requests": run.requests_erased,
            "disclosures": run.disclosures_erased,
            "records_failed": run.records_failed,
            "keys_destroyed": run.keys_destroyed,
            "keys_failed": run.keys_failed,
            "started": run.started_at.strftime("%Y-%m-%d %H:%M UTC"),
            "status": run.get_status_display(),
            "purged": run.purged,
            "failed": run.failed,
            "held": run.held,
            "overdue": run.overdue,
            "error": run.error,
            "url": url,
        }
    for officer in officers:
        send_mail(subject, body, None, [officer.email])
    return officers.count()
