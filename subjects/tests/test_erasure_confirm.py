"""Approving an erasure cannot be undone: the page asks to confirm, and an approval without the
box ticked erases nothing and says why."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from recordings.constants import RecordingStatus
from recordings.models import Recording
from subjects.answer_constants import AnswerStatus
from subjects.answer_models import SubjectAnswer
from subjects.tests.test_answer_carry_out import _calls, _erasure

pytestmark = pytest.mark.django_db


def test_an_erasure_is_approved_only_with_the_box_ticked(cast, registers, client_for):
    recordings = _calls(cast, n=2)
    _request, answer = _erasure(cast)
    kwargs = {"org_slug": "acme", "answer_id": answer.pk}
    manager = client_for(cast["manager"])
    assert (
        "data-confirm-irreversible"
        in manager.get(reverse("subjects:answer", kwargs=kwargs)).content.decode()
    )
    approve = reverse("subjects:answer_approve", kwargs=kwargs)
    page = manager.post(approve, follow=True).content.decode()
    assert "Niets is gedaan" in page
    assert SubjectAnswer.objects.get(pk=answer.pk).status == AnswerStatus.PROPOSED
    assert all(Recording.objects.get(pk=r.pk).status == RecordingStatus.ACTIVE for r in recordings)
    with TestCase.captureOnCommitCallbacks(execute=True):
        manager.post(approve, {"confirm": "1"})
    assert all(Recording.objects.get(pk=r.pk).status == RecordingStatus.PURGED for r in recordings)
