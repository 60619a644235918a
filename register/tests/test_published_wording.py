"""The register as the published one reads: the organisation it names, retention periods that are
the organisation's own assumption marked as such, and addresses on their own lines."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from register.models import DataSubjectEntry, ProcessingActivity
from register.seed_data import ORGANISATIONS
from register.services import activity_create
from register.tests.helpers import edit_form_data, edit_url, small_register
from register.tests.test_creating import new_activity_data, new_url

pytestmark = pytest.mark.django_db

ORGANISATION_LINES = "Ministerie van Economische Zaken\nRijksdienst voor Ondernemend Nederland"
MARK_NL = "(vastgesteld door de organisatie, niet in het gepubliceerde register)"
MARK_EN = "(set by the organisation, not in the published register)"


def _rvo(organisation) -> ProcessingActivity:
    (spec,) = [o for o in ORGANISATIONS if o["slug"] == "rvo-klantcontact"]
    return activity_create(organisation=organisation, actor=None, **spec["activities"][0])


def _export(client, fmt: str, language: str):
    return client.get(
        reverse("register:export", kwargs={"org_slug": "acme", "fmt": fmt}),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_rvo_page_names_the_organisation_and_marks_the_assumed_periods(cast, client_for):
    _rvo(cast.organisation)
    response = client_for(cast["auditor"]).get(
        reverse("register:overview", kwargs={"org_slug": "acme"}), HTTP_ACCEPT_LANGUAGE="nl"
    )
    html = response.content.decode()
    assert "Ministerie van Economische Zaken<br>Rijksdienst voor Ondernemend Nederland" in html
    # The addresses keep the register's lines instead of being joined with commas.
    assert "Postbus 93144<br>2509AC DEN HAAG<br>NEDERLAND" in html
    assert "Prinses Beatrixlaan 2<br>2595AL DEN HAAG<br>NEDERLAND" in html
    # The three Selectielijst lines carry "7 jaar" of our own; the 28-day lines are published.
    assert html.count(MARK_NL) == 3
    marked = DataSubjectEntry.objects.filter(period_set_by_organisation=True)
    assert {entry.retention_value for entry in marked} == {7}
    assert all(entry.retention_text.startswith("Zie Selectielijst") for entry in marked)


def test_json_csv_and_pdf_carry_the_organisation_the_lines_and_the_mark(cast, client_for):
    _rvo(cast.organisation)
    client = client_for(cast["privacy_officer"])
    (activity,) = json.loads(_export(client, "json", "nl").content)["activities"]
    assert activity["published_organisation"] == ORGANISATION_LINES
    assert activity["controller_postal_address"] == "Postbus 93144\n2509AC DEN HAAG\nNEDERLAND"
    entries = activity["data_subject_entries"]
    assert [e["period_set_by_organisation"] for e in entries] == [
        False,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert entries[1]["period_set_by_organisation_label"] == MARK_NL
    assert entries[0]["period_set_by_organisation_label"] == ""
    english = json.loads(_export(client, "json", "en").content)["activities"][0]
    assert english["data_subject_entries"][1]["period_set_by_organisation_label"] == MARK_EN

    text = _export(client, "csv", "nl").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert ["activity", "M10495", "", "published_organisation", ORGANISATION_LINES] in rows
    assert ["data_subject_entries", "M10495", "2", "period_set_by_organisation", "true"] in rows
    assert [
        "data_subject_entries",
        "M10495",
        "2",
        "period_set_by_organisation_label",
        MARK_NL,
    ] in rows

    pdf = PdfReader(io.BytesIO(_export(client, "pdf", "nl").content))
    lines = "\n".join(page.extract_text() for page in pdf.pages).splitlines()
    assert "Ministerie van Economische Zaken" in lines
    assert "Postbus 93144" in lines and "2509AC DEN HAAG" in lines
    flat = " ".join(" ".join(lines).split())
    assert flat.count("vastgesteld door de organisatie") == 3


def test_the_edit_form_saves_the_organisation_and_the_mark(cast, client_for):
    activity = small_register(cast.organisation)
    data = edit_form_data(activity)
    data["published_organisation"] = "Gemeente Voorbeeld\nKlantcontactcentrum"
    data["entries-0-period_set_by_organisation"] = "on"
    response = client_for(cast["privacy_officer"]).post(edit_url(activity), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.published_organisation == "Gemeente Voorbeeld\nKlantcontactcentrum"
    assert activity.data_subject_entries.get().period_set_by_organisation is True
    latest = activity.versions.order_by("-number").first()
    assert latest.number == 2
    assert "published_organisation" in latest.summary

    # And taken off again.
    data = edit_form_data(activity)
    data.pop("entries-0-period_set_by_organisation")
    client_for(cast["privacy_officer"]).post(edit_url(activity), data)
    assert activity.data_subject_entries.get().period_set_by_organisation is False


def test_the_create_form_saves_them_too(cast, client_for):
    data = new_activity_data()
    data["published_organisation"] = "Gemeente Voorbeeld"
    data["entries-0-period_set_by_organisation"] = "on"
    response = client_for(cast["administrator"]).post(new_url(), data)
    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(reference="KC-01")
    assert activity.published_organisation == "Gemeente Voorbeeld"
    assert activity.data_subject_entries.order_by("position")[0].period_set_by_organisation


def test_the_import_carries_them_into_a_new_organisation(cast, client_for):
    from organisations.tests.factories import OrganisationFactory
    from register.exports import json_text
    from register.importing import register_import

    _rvo(cast.organisation)
    fresh = OrganisationFactory(slug="nieuw", name="Nieuw")
    register_import(
        organisation=fresh, actor=None, content=json_text(cast.organisation).encode(), source="t"
    )
    activity = ProcessingActivity.objects.get(organisation=fresh)
    assert activity.published_organisation == ORGANISATION_LINES
    assert (
        activity.controller_visiting_address == "Prinses Beatrixlaan 2\n2595AL DEN HAAG\nNEDERLAND"
    )
    assert activity.data_subject_entries.filter(period_set_by_organisation=True).count() == 3
