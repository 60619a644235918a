"""Every purge run ends with a signed checkpoint of the organisation's audit chain."""

import json

import pytest

from audit.checkpoints import store_path
from audit.services import chain_key_for
from organisations.tests.factories import OrganisationFactory
from retention.purge import purge_organisation


@pytest.mark.django_db
def test_a_purge_run_ends_with_a_signed_checkpoint_of_its_events():
    organisation = OrganisationFactory()
    purge_organisation(organisation)
    (line,) = [json.loads(line) for line in store_path().read_text().splitlines()]
    statement = line["statement"]
    assert statement["chain"] == chain_key_for(organisation)
    assert statement["kind"] == "purge"
    # The run's own "purge finished" event is covered.
    assert statement["last_sequence"] >= 1


@pytest.mark.django_db
def test_a_purge_without_a_signing_key_still_finishes_and_logs_the_error(settings, caplog):
    settings.AUDIT_SIGNING_KEY_FILE = None
    run = purge_organisation(OrganisationFactory())
    assert run.finished_at is not None
    assert "no signed audit checkpoint written" in caplog.text
    assert not store_path().exists()
