"""What people read on the subject request pages: a date field that keeps its day in Dutch, a
public form that takes more than one phone number, a held call without a case said as such, and
the list's search."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from subjects.answer_constants import AnswerAction
from subjects.forms import PublicRequestForm
from subjects.letter import _what_was_done
from subjects.services import organisation_today
from subjects.tests.conftest import register_request

pytestmark = pytest.mark.django_db


def test_the_register_form_shows_today_in_its_date_field_on_a_dutch_page(cast, client_for):
    client = client_for(cast.users["privacy_officer"])
    client.cookies["django_language"] = "nl"
    response = client.get(reverse("subjects:new", kwargs={"org_slug": cast.organisation.slug}))
    today = organisation_today(cast.organisation).isoformat()
    # <input type="date"> takes only YYYY-MM-DD: "05-12-2026" would show an empty field.
    assert f'name="received_on" value="{today}"' in response.content.decode()


def test_the_public_form_takes_a_phone_number_a_line():
    html = str(PublicRequestForm(bsn_declared=False)["phones"])
    assert html.startswith("<textarea")


def test_a_held_call_without_a_case_is_said_without_one():
    outcome = {"held": [{"day": "2026-12-04", "since": "2026-12-05", "case": ""}]}
    answer = SimpleNamespace(
        action=AnswerAction.ERASURE, subject_request=SimpleNamespace(right="erasure")
    )
    with translation.override("en"):
        lines = _what_was_done(answer, outcome)
        page = Template(
            "{% load i18n subject_dates %}{% for call in held %}"
            "{{ call.day|as_date|date:'SHORT_DATE_FORMAT' }}{% endfor %}"
        ).render(Context({"held": outcome["held"]}))
    held = [line for line in lines if "legal hold" in line]
    assert held and "for case" not in held[0]
    assert "2026-12-04" not in page and "12" in page


def test_the_list_finds_a_request_by_reference_name_or_e_mail(registers, client_for):
    cast = registers
    jan = register_request(cast, name="Jan de Vries", email="jan@example.nl")
    piet = register_request(cast, name="Piet Jansen", email="piet@example.nl")
    client = client_for(cast.users["privacy_officer"])
    url = reverse("subjects:list", kwargs={"org_slug": cast.organisation.slug})
    for query, found, not_found in [
        ("de vries", jan, piet),
        ("PIET@example", piet, jan),
        (piet.reference, piet, jan),
    ]:
        page = client.get(url, {"q": query}).content.decode()
        assert found.reference in page and not_found.reference not in page
    page = client.get(url, {"q": "nobody at all"}).content.decode()
    assert jan.reference not in page and 'value="nobody at all"' in page
