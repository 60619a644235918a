"""A purpose's short name: edited with the register, carried by its export and import (files
from before it existed still import), and what pages show instead of the code."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from register.exports import as_json, csv_rows
from register.importing import register_import
from register.models import Purpose
from register.seed_data import ORGANISATIONS
from register.tests.helpers import edit_form_data, edit_url, small_register

pytestmark = pytest.mark.django_db


def test_the_privacy_officer_gives_a_purpose_a_short_name_on_the_edit_page(cast, client_for):
    activity = small_register(cast.organisation)
    client = client_for(cast["privacy_officer"])
    page = client.get(edit_url(activity)).content.decode()
    assert 'name="purposes-0-short_label"' in page
    data = edit_form_data(activity)
    data["purposes-0-short_label"] = "Coaching"
    assert client.post(edit_url(activity), data).status_code == 302
    assert activity.purposes.get(code="coaching").label == "Coaching"
    assert "short_label" in activity.versions.order_by("number").last().summary


def test_a_short_name_longer_than_sixty_characters_is_refused_and_nothing_changes(cast, client_for):
    activity = small_register(cast.organisation)
    data = edit_form_data(activity)
    data["purposes-0-short_label"] = "x" * 61
    with translation.override("en"):
        response = client_for(cast["privacy_officer"]).post(
            edit_url(activity), data, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    assert "at most 60 characters" in response.content.decode()
    assert activity.purposes.get(code="coaching").short_label == ""


def test_the_export_carries_the_short_name_and_the_import_reads_it(cast):
    small_register(cast.organisation)
    Purpose.objects.filter(code="coaching").update(short_label="Coaching")
    content = as_json(cast.organisation).content
    (activity,) = json.loads(content)["activities"]
    assert activity["purposes"][0]["short_label"] == "Coaching"
    document = json.loads(content)
    assert ["purposes", "R1", "1", "short_label", "Coaching"] in csv_rows(document)

    Purpose.objects.filter(code="coaching").update(short_label="")
    register_import(organisation=cast.organisation, actor=None, content=content, source="t")
    assert Purpose.objects.get(code="coaching").short_label == "Coaching"


def test_a_file_exported_before_short_names_existed_still_imports(cast):
    small_register(cast.organisation)
    document = json.loads(as_json(cast.organisation).content)
    for purpose in document["activities"][0]["purposes"]:
        del purpose["short_label"]
    document["activities"][0]["name"] = "Renamed"
    content = json.dumps(document).encode()
    plan = register_import(organisation=cast.organisation, actor=None, content=content, source="t")
    assert [p.outcome for p in plan.activities] == ["changed"]
    assert set(Purpose.objects.values_list("short_label", flat=True)) == {""}


def test_every_demo_purpose_has_a_dutch_short_name():
    for spec in ORGANISATIONS:
        for activity in spec["activities"]:
            for purpose in activity["purposes"]:
                assert 0 < len(purpose["short_label"]) <= 60, purpose["code"]


def test_a_purpose_without_a_short_name_shows_its_wording_cut_at_a_word():
    purpose = Purpose(code="x", description="Het kunnen beschikken over de inhoud " * 4)
    assert purpose.label.endswith("…") and len(purpose.label) <= 60
    assert " ".join(purpose.label[:-1].split()) in purpose.description
