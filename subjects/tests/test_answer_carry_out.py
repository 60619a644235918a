"""An approved erasure is carried out in steps that each commit: a failure after the audio is
deleted never brings back a row whose audio is gone, the answer stays "being carried out" and
is carried out again to the same end as a clean run; a call whose audio will not go keeps the
request open. A copy whose approval fails leaves no file behind, and a retry makes one copy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

import subjects.answer
from access.models import Disclosure
from audit.models import AuditEvent
from recordings.constants import RecordingStatus
from recordings.models import Recording
from recordings.storage import audio_storage
from recordings.tests.factories import recording_create
from subjects.answer import AnswerError, answer_approve, answer_carry_out
from subjects.answer_constants import AnswerAction, AnswerStatus, CopyMedia
from subjects.answer_models import SubjectAnswer
from subjects.constants import SubjectDecision, SubjectRequestStatus, SubjectRight
from subjects.models import SubjectRequest
from subjects.tests.conftest import register_request
from subjects.tests.test_answer import EMAIL, PHONE, member, prepare

pytestmark = pytest.mark.django_db


def _calls(cast, n=3):
    return [
        recording_create(
            organisation=cast.organisation, customer_phone=PHONE, customer_name="Jan de Vries"
        )
        for _ in range(n)
    ]


def _erasure(cast):
    request = register_request(cast, phones=[PHONE], right=SubjectRight.ERASURE)
    answer = prepare(
        cast, request, action=AnswerAction.ERASURE, media="", decision=SubjectDecision.GRANTED
    )
    return request, answer


def _no_dangling_rows(recordings):
    """Every call still active has its audio; every erased one is a tombstone without it."""
    for recording in recordings:
        row = Recording.objects.get(pk=recording.pk)
        if row.status == RecordingStatus.ACTIVE:
            assert audio_storage().exists(row.storage_key), "an active call lost its audio"
        else:
            assert row.status == RecordingStatus.PURGED and row.customer_phone == ""
            assert not audio_storage().exists(recording.storage_key)


def _end_state(answer, request):
    answer = SubjectAnswer.objects.get(pk=answer.pk)
    request = SubjectRequest.objects.get(pk=request.pk)
    return (
        answer.status,
        sorted((c["id"], c["day"]) for c in answer.outcome["erased"]),
        answer.outcome["held"],
        answer.outcome["failed"],
        request.status,
        request.decision,
    )


def test_a_failure_after_the_audio_is_deleted_leaves_no_dangling_row_and_can_be_redone(
    cast, registers, monkeypatch
):
    recordings = _calls(cast)
    request, answer = _erasure(cast)

    def broken_close(*args, **kwargs):
        raise RuntimeError("the database went away while closing")

    monkeypatch.setattr(subjects.answer, "_close", broken_close)
    with translation.override("en"), pytest.raises(AnswerError, match="carry it out again"):
        answer_approve(membership=member(cast, "manager"), answer_id=answer.pk)

    _no_dangling_rows(recordings)
    # The deletions stand (each batch committed); the answer waits to be carried out again.
    assert all(Recording.objects.get(pk=r.pk).status == RecordingStatus.PURGED for r in recordings)
    assert SubjectAnswer.objects.get(pk=answer.pk).status == AnswerStatus.APPROVED
    assert SubjectRequest.objects.get(pk=request.pk).status == SubjectRequestStatus.OPEN
    # The approval cannot be given twice, but the erasure can be carried out again.
    with translation.override("en"), pytest.raises(AnswerError, match="already been approved"):
        answer_approve(membership=member(cast, "manager"), answer_id=answer.pk)
    with pytest.raises(AnswerError):
        answer_carry_out(membership=member(cast, "employee"), answer_id=answer.pk)

    monkeypatch.undo()
    answer_carry_out(membership=member(cast, "privacy_officer"), answer_id=answer.pk)
    retried = _end_state(answer, request)

    # The same end as a clean run, and one erasure event per call, not two.
    fresh = _calls(cast)
    other = register_request(cast, phones=[PHONE], right=SubjectRight.ERASURE)
    clean = prepare(
        cast, other, action=AnswerAction.ERASURE, media="", decision=SubjectDecision.GRANTED
    )
    answer_approve(membership=member(cast, "manager"), answer_id=clean.pk)
    clean_state = _end_state(clean, other)
    assert retried[0] == clean_state[0] == AnswerStatus.CARRIED_OUT
    assert retried[4] == clean_state[4] == SubjectRequestStatus.ANSWERED
    assert retried[2:4] == clean_state[2:4] == ([], [])
    assert [pk for pk, _day in retried[1]] == sorted(str(r.pk) for r in recordings)
    assert len(clean_state[1]) == len(fresh)
    _no_dangling_rows(recordings + fresh)
    for recording in recordings:
        assert (
            AuditEvent.objects.filter(
                action="retention.recording.erased_early", target_id=str(recording.pk)
            ).count()
            == 1
        )


def test_a_call_whose_audio_will_not_go_keeps_the_answer_open_until_it_is_gone(
    cast, registers, monkeypatch, client_for
):
    recordings = _calls(cast, 2)
    stuck = recordings[0]
    request, answer = _erasure(cast)
    storage_class = type(audio_storage())
    real_delete = storage_class.delete

    def failing_delete(self, name):
        if name == stuck.storage_key:
            raise OSError("disk is read-only")
        return real_delete(self, name)

    monkeypatch.setattr(storage_class, "delete", failing_delete)
    answer = answer_approve(membership=member(cast, "manager"), answer_id=answer.pk)

    _no_dangling_rows(recordings)
    assert answer.status == AnswerStatus.APPROVED
    assert [c["id"] for c in answer.outcome["failed"]] == [str(stuck.pk)]
    assert [c["id"] for c in answer.outcome["erased"]] == [str(recordings[1].pk)]
    assert SubjectRequest.objects.get(pk=request.pk).status == SubjectRequestStatus.OPEN
    # The answer's page lists the call not yet erased and offers to carry the answer out again.
    client = client_for(cast["manager"])
    page = client.get(
        reverse(
            "subjects:answer", kwargs={"org_slug": cast.organisation.slug, "answer_id": answer.pk}
        )
    ).content.decode()
    assert "data-not-erased" in page and "data-carry-out" in page
    assert "Nog niet gewist" in page or "Not yet erased" in page

    monkeypatch.undo()
    url = reverse(
        "subjects:answer_carry_out",
        kwargs={"org_slug": cast.organisation.slug, "answer_id": answer.pk},
    )
    client.post(url)
    answer = SubjectAnswer.objects.get(pk=answer.pk)
    assert answer.status == AnswerStatus.CARRIED_OUT and answer.outcome["failed"] == []
    assert len(answer.outcome["erased"]) == 2
    _no_dangling_rows(recordings)
    assert SubjectRequest.objects.get(pk=request.pk).status == SubjectRequestStatus.ANSWERED


def test_a_copy_whose_approval_fails_leaves_no_file_and_a_retry_makes_one_copy(
    cast, registers, monkeypatch
):
    _calls(cast, 1)
    request = register_request(cast, phones=[PHONE], email=EMAIL)
    answer = prepare(cast, request, media=CopyMedia.METADATA)
    made = []
    real_share = subjects.answer_copy.disclosure_share

    def recording_share(**kwargs):
        disclosure = real_share(**kwargs)
        made.append(disclosure.storage_key)
        return disclosure

    monkeypatch.setattr(subjects.answer_copy, "disclosure_share", recording_share)
    real_close = subjects.answer._close

    def broken_close(*args, **kwargs):
        raise RuntimeError("closing failed")

    monkeypatch.setattr(subjects.answer, "_close", broken_close)
    with TestCase.captureOnCommitCallbacks(execute=True), pytest.raises(RuntimeError):
        answer_approve(membership=member(cast, "manager"), answer_id=answer.pk)
    assert len(made) == 1 and not audio_storage().exists(made[0])
    assert not Disclosure.objects.exists() and not mail.outbox
    assert SubjectAnswer.objects.get(pk=answer.pk).status == AnswerStatus.PROPOSED

    monkeypatch.setattr(subjects.answer, "_close", real_close)
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = answer_approve(membership=member(cast, "manager"), answer_id=answer.pk)
    assert Disclosure.objects.count() == 1 and len(mail.outbox) == 2
    assert audio_storage().exists(answer.disclosure.storage_key)
    assert answer.status == AnswerStatus.CARRIED_OUT
