"""Attacks on the audit-trail page (issue 17): junk in the page's parameters, exports with
date filters or references that look like numbers, other roles and organisations."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.tests.test_trail_work import officer, trail  # noqa: F401  (fixtures)

TRAIL = "audit:trail"


def _get(client, name, **params):
    return client.get(reverse(name, kwargs={"org_slug": "acme"}), params)


@pytest.mark.parametrize(
    "params",
    [
        {"before": "²"},  # str.isdigit() says yes, int() says no
        {"q": "²"},
        {"q": "#¹²"},
    ],
)
def test_unicode_digits_in_the_cursor_or_search_never_fail(trail, officer, params):  # noqa: F811
    response = _get(officer, TRAIL, **params)
    assert response.status_code == 200


def test_export_of_a_date_range_is_recorded_and_streams(trail, officer):  # noqa: F811
    """The most ordinary export: the events of some days. Its filters (ISO dates) look like a
    long number to the trail's personal-data check."""
    response = _get(officer, "audit:export", start="2020-01-01", end="2099-12-31", format="csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) > 1
    exported = AuditEvent.objects.get(action="audit.trail.exported")
    # The days as the moments they start and end in the organisation's zone.
    assert exported.detail["filters"]["start"].startswith("2020-01-01T00:00:00")
    assert exported.detail["filters"]["end"].startswith("2099-12-31T23:59:59")


def test_export_by_a_case_reference_that_looks_like_a_number(trail, officer):  # noqa: F811
    trail.case.reference = "2026-000123"
    trail.case.save()
    response = _get(officer, "audit:export", case="2026-000123", format="json")
    assert response.status_code == 200
    events = json.loads(b"".join(response.streaming_content))["events"]
    assert events
    exported = AuditEvent.objects.get(action="audit.trail.exported")
    assert exported.detail["withheld"] == ["case"]
    assert "case" not in exported.detail["filters"]


@pytest.mark.parametrize(
    "params",
    [
        {"end": "9999-12-31"},
        {"start": "0001-01-01"},
        {"start": "0001-01-01", "end": "9999-12-31"},
    ],
)
@pytest.mark.parametrize("name", [TRAIL, "audit:export"])
def test_the_widest_dates_never_fail(trail, officer, params, name):  # noqa: F811
    response = _get(officer, name, format="csv", **params)
    assert response.status_code == 200
    if name == TRAIL:
        assert response.context["rows"]
    else:
        # The streamed body runs the query: read it, or an error there would go unseen.
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert len(rows) > 1  # the header and acme's events


@pytest.mark.parametrize("shape", [str.upper, lambda v: v.replace("-", ""), "{{{}}}".format])
def test_a_call_id_typed_in_another_shape_finds_its_events(trail, officer, shape):  # noqa: F811
    for field in ("call", "q"):
        response = _get(officer, TRAIL, **{field: shape(str(trail.call.pk))})
        shown = {row.event.sequence for row in response.context["rows"]}
        assert trail.listened.sequence in shown, field


@pytest.mark.parametrize("role", ["manager", "team_leader", "coach", "administrator", "employee"])
def test_roles_that_do_not_read_the_trail_cannot_export_or_verify_it(trail, client_for, role):  # noqa: F811
    client = client_for(trail.cast[role])
    for fmt in ("csv", "json"):
        assert _get(client, "audit:export", format=fmt).status_code in (403, 404)
    assert client.post(reverse("audit:verify", kwargs={"org_slug": "acme"})).status_code in (
        403,
        404,
    )
    assert not AuditEvent.objects.filter(action="audit.trail.exported").exists()


def test_an_auditor_of_another_organisation_exports_nothing_of_acme(trail, client_for):  # noqa: F811
    from organisations.tests.factories import UserFactory, membership

    auditor = UserFactory(username="other-auditor")
    membership(auditor, trail.cast.other_organisation, "auditor")
    client = client_for(auditor)
    assert _get(client, "audit:export", format="json").status_code in (403, 404)
    own = client.get(
        reverse("audit:export", kwargs={"org_slug": "other"}),
        {"call": str(trail.call.pk), "format": "json"},  # acme's call, by its id
    )
    events = json.loads(b"".join(own.streaming_content))["events"]
    # Only the other organisation's own (forged) mention of the id, never acme's events.
    assert {event["event"] for event in events} <= {trail.foreign.sequence}
    assert all(event["hash"] != trail.listened.hash for event in events)
