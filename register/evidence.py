"""Evidence beside the register's lines, computed from live data by the apps that know it.

The register never imports the higher apps (access, retention): they register a provider in
their AppConfig.ready(), and the register page asks every provider for its lines. The register
itself provides the lines it knows: policy acknowledgement coverage and the audit chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import AuditChain
from audit.services import chain_key_for
from organisations.links import may_open
from organisations.models import Membership, Organisation
from register.acknowledgement import policy_coverage

SECTIONS = ("retention", "purposes", "recipients", "policy", "audit")


@dataclass(frozen=True)
class Evidence:
    section: str  # one of SECTIONS
    label: str
    value: str
    ok: bool = True  # False: shown in red, as a mismatch between declared and done
    url: str = ""  # where the cause can be seen
    # Which declared line this stands beside: "purpose:<code>", "recipient:<name>" or
    # "category:<data category>". Empty: a line of the summary at the top of the page.
    key: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


Provider = Callable[[Organisation], Iterable[Evidence]]
_providers: list[Provider] = []


def evidence_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def evidence_for(organisation: Organisation) -> list[Evidence]:
    lines = [line for provider in _providers for line in provider(organisation)]
    order = {section: n for n, section in enumerate(SECTIONS)}
    return sorted(lines, key=lambda line: order.get(line.section, len(SECTIONS)))


def evidence_for_member(membership: Membership) -> list[Evidence]:
    """The evidence as this member reads it: a line whose page the member's role may not open
    keeps its words but loses its link."""
    cache: dict = {}
    return [
        line if not line.url or may_open(membership, line.url, cache) else replace(line, url="")
        for line in evidence_for(membership.organisation)
    ]


@evidence_provider
def audit_evidence(organisation: Organisation) -> list[Evidence]:
    head = AuditChain.objects.filter(key=chain_key_for(organisation)).first()
    url = reverse("audit:trail", kwargs={"org_slug": organisation.slug})
    label = _("Audit trail verified")
    if head is None or head.last_verified_at is None:
        return [Evidence("audit", label, _("not yet"), ok=False, url=url)]
    value = "{}: {}".format(
        date_format(timezone.localtime(head.last_verified_at), "SHORT_DATETIME_FORMAT"),
        _("intact") if head.last_verified_ok else _("BROKEN"),
    )
    lines = [Evidence("audit", label, value, ok=bool(head.last_verified_ok), url=url)]
    signed_label = _("Last verified signed checkpoint")
    if head.last_verified_checkpoint_at is None:
        lines.append(Evidence("audit", signed_label, _("none yet"), ok=False, url=url))
    else:
        signed = _("event %(sequence)d, signed %(when)s") % {
            "sequence": head.last_verified_checkpoint_sequence,
            "when": date_format(
                timezone.localtime(head.last_verified_checkpoint_at), "SHORT_DATETIME_FORMAT"
            ),
        }
        lines.append(
            Evidence("audit", signed_label, signed, ok=bool(head.last_verified_ok), url=url)
        )
    return lines


@evidence_provider
def policy_evidence(organisation: Organisation) -> list[Evidence]:
    coverage = policy_coverage(organisation)
    url = reverse("register:policy", kwargs={"org_slug": organisation.slug})
    label = _("Recording policy acknowledged")
    if coverage.policy is None:
        return [Evidence("policy", label, _("no policy published"), ok=False, url=url)]
    value = _("version %(version)d: %(done)d of %(members)d members, %(missing)d not yet") % {
        "version": coverage.policy.version,
        "done": coverage.acknowledged,
        "members": coverage.members,
        "missing": len(coverage.missing),
    }
    return [Evidence("policy", label, value, ok=coverage.complete, url=url)]
