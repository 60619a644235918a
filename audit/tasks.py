import logging

from celery import shared_task

from audit.verification import chains_verify

logger = logging.getLogger(__name__)


@shared_task(name="audit.tasks.verify_audit_chains")
def verify_audit_chains() -> dict[str, bool]:
    """Nightly: verify every chain; the heads keep the time and result for the register."""
    reports = chains_verify()
    for report in reports:
        if not report.ok:
            logger.error("Audit chain broken: %s", report.describe())
    return {report.chain: report.ok for report in reports}


@shared_task(name="audit.tasks.write_audit_checkpoints")
def write_audit_checkpoints() -> int:
    """Hourly: a signed checkpoint of every chain whose head moved since its last one."""
    from audit.checkpoints import Kind, checkpoints_write

    return len(checkpoints_write(kind=Kind.SCHEDULED))


@shared_task(name="audit.tasks.count_audit_days")
def count_audit_days() -> int:
    """Nightly: count the day that ended, per organisation, action and purpose (audit.daily)."""
    from audit.daily import daily_counts_refresh

    return daily_counts_refresh()


@shared_task(name="audit.tasks.verify_organisation_chain")
def verify_organisation_chain(organisation_id: int) -> bool | None:
    """One organisation's chain, started from the audit-trail page; the head keeps the result
    and forgets the request, also when the walk fails."""
    from audit.models import AuditChain
    from audit.services import chain_key_for
    from organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return None
    key = chain_key_for(organisation)
    try:
        reports = chains_verify(keys=[key])
    finally:
        AuditChain.objects.filter(key=key).update(verification_requested_at=None)
    for report in reports:
        if not report.ok:
            logger.error("Audit chain broken: %s", report.describe())
    return all(report.ok for report in reports)
