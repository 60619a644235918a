"""Background work on a real Celery worker and Redis, as in production."""

import pytest

import audit
from audit.models import AuditChain
from audit.services import chain_key_for
from audit.tasks import verify_audit_chains
from organisations.tests.factories import OrganisationFactory
from tests.worker import celery_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _chain_verified(organisation) -> bool:
    head = AuditChain.objects.filter(key=chain_key_for(organisation)).first()
    return head is not None and head.last_verified_at is not None


def test_worker_verifies_the_audit_chains_when_asked():
    organisation = OrganisationFactory()
    audit.record(actor=None, action="auth.signin.failed", organisation=organisation)
    with celery_worker():
        verify_audit_chains.delay()
        wait_for(lambda: _chain_verified(organisation), timeout=60, what="the chain check")
    head = AuditChain.objects.get(key=chain_key_for(organisation))
    assert head.last_verified_ok is True


def test_beat_fires_the_nightly_check_on_its_schedule():
    organisation = OrganisationFactory()
    audit.record(actor=None, action="auth.signin.failed", organisation=organisation)
    # Every minute instead of nightly, from the environment as an operator would.
    with celery_worker(beat=True, env={"EARSHOT_BEAT_VERIFY_AUDIT_CHAINS": "* * * * *"}):
        wait_for(lambda: _chain_verified(organisation), timeout=90, what="beat to fire")
