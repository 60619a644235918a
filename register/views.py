from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditChain
from audit.services import chain_key_for
from organisations import roles
from organisations.decorators import organisation_view
from register.evidence import Evidence, evidence_for
from register.selectors import activities_for_organisation


def _audit_evidence(organisation) -> Evidence:
    head = AuditChain.objects.filter(key=chain_key_for(organisation)).first()
    url = reverse("audit:trail", kwargs={"org_slug": organisation.slug})
    if head is None or head.last_verified_at is None:
        return Evidence("audit", _("Audit trail verified"), _("not yet"), ok=False, url=url)
    return Evidence(
        "audit",
        _("Audit trail verified"),
        "{}: {}".format(
            timezone.localtime(head.last_verified_at).strftime("%d-%m-%Y %H:%M"),
            _("intact") if head.last_verified_ok else _("BROKEN"),
        ),
        ok=bool(head.last_verified_ok),
        url=url,
    )


@organisation_view(roles.VIEW_REGISTER)
def overview(request: HttpRequest) -> HttpResponse:
    activities = activities_for_organisation(organisation=request.organisation)
    evidence = [*evidence_for(request.organisation), _audit_evidence(request.organisation)]
    sections = {}
    for line in evidence:
        sections.setdefault(line.section, []).append(line)
    return render(
        request,
        "register/overview.html",
        {
            "activities": activities,
            "evidence_sections": [
                (title, sections[key])
                for key, title in (
                    ("retention", _("Retention")),
                    ("purposes", _("Purposes")),
                    ("recipients", _("Recipients")),
                    ("audit", _("Audit trail")),
                )
                if key in sections
            ],
            "evidence_time": timezone.now(),
        },
    )
