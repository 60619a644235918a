"""Requests registered at the same moment on PostgreSQL never share a reference: the
counter row of the organisation and year is locked while a number is taken."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from access.tests.conftest import register_for
from subjects.models import SubjectRequest
from subjects.tests.conftest import register_request


@pytest.mark.django_db(transaction=True)
def test_requests_registered_at_once_get_distinct_consecutive_references(cast):
    assert connection.vendor == "postgresql"
    register_for(cast.organisation, customer_fields=("phone",))
    workers = 6
    start = threading.Barrier(workers)
    errors = []

    def run() -> None:
        try:
            start.wait(timeout=30)
            register_request(cast, phones=["0612345678"])
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(
        int(reference.rsplit("-", 1)[1])
        for reference in SubjectRequest.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, workers + 1))
