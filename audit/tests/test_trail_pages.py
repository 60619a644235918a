"""What the auditor and privacy officer see of the signed checkpoints: the trail page, the
downloads (sealed per organisation) and the register's evidence."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import audit
from audit.models import AuditChain, AuditEvent
from audit.services import chain_key_for
from register.evidence import audit_evidence


def _event(organisation):
    return audit.record(actor=None, action="auth.signout", organisation=organisation)


@pytest.fixture
def checkpointed(cast):
    for _ in range(3):
        _event(cast.organisation)
    _event(cast.other_organisation)
    call_command("audit_checkpoint")
    call_command("verify_audit")
    cast.signed_sequence = AuditChain.objects.get(
        key=chain_key_for(cast.organisation)
    ).last_sequence
    return cast


def test_trail_page_shows_the_last_verified_checkpoint_and_the_downloads(checkpointed, client_for):
    client = client_for(checkpointed["auditor"])
    response = client.get(
        reverse("audit:trail", kwargs={"org_slug": "acme"}), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Last verified against the signed checkpoint of" in page
    assert f"(event {checkpointed.signed_sequence})" in page
    assert reverse("audit:checkpoints", kwargs={"org_slug": "acme"}) in page
    assert reverse("audit:verify_key", kwargs={"org_slug": "acme"}) in page


def test_checkpoint_download_holds_only_the_own_chain_and_is_logged(checkpointed, client_for):
    response = client_for(checkpointed["auditor"]).get(
        reverse("audit:checkpoints", kwargs={"org_slug": "acme"})
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    assert [line["statement"]["chain"] for line in lines] == [
        chain_key_for(checkpointed.organisation)
    ]
    assert AuditEvent.objects.filter(
        chain=chain_key_for(checkpointed.organisation), action="audit.checkpoints.downloaded"
    ).exists()


def test_kept_download_verifies_the_trail(checkpointed, client_for, tmp_path, capsys):
    response = client_for(checkpointed["auditor"]).get(
        reverse("audit:checkpoints", kwargs={"org_slug": "acme"})
    )
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(response.content)
    call_command("verify_audit", "--org", "acme", "--checkpoints", str(copy))
    assert "chain intact" in capsys.readouterr().out


def test_verify_key_download_is_the_public_key_only(checkpointed, client_for):
    response = client_for(checkpointed["auditor"]).get(
        reverse("audit:verify_key", kwargs={"org_slug": "acme"})
    )
    body = response.content.decode()
    assert "BEGIN PUBLIC KEY" in body
    assert "PRIVATE" not in body


@pytest.mark.parametrize("name", ["audit:checkpoints", "audit:verify_key"])
def test_outsiders_and_employees_get_no_download(checkpointed, client_for, name):
    url = reverse(name, kwargs={"org_slug": "acme"})
    assert client_for(checkpointed.outsider).get(url).status_code == 404
    assert client_for(checkpointed["employee"]).get(url).status_code == 403


def test_register_evidence_shows_the_last_verified_signed_checkpoint(checkpointed):
    with translation.override("en"):
        lines = {line.label: line for line in audit_evidence(checkpointed.organisation)}
    line = lines["Last verified signed checkpoint"]
    assert line.ok
    assert line.value.startswith(f"event {checkpointed.signed_sequence}, signed ")


def test_register_evidence_says_when_there_is_no_signed_checkpoint(cast):
    _event(cast.organisation)
    call_command("verify_audit")
    with translation.override("en"):
        lines = {line.label: line for line in audit_evidence(cast.organisation)}
    assert lines["Last verified signed checkpoint"].value == "none yet"
    assert not lines["Last verified signed checkpoint"].ok
