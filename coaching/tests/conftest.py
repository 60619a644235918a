"""A QM form for the coaching tests, on top of the gate's small world (access/tests)."""

from __future__ import annotations

import pytest

from access.tests.conftest import world  # noqa: F401  (a fixture used by these tests)
from coaching.qm_forms import form_create, version_publish

SECTIONS = [
    {
        "title": "Opening",
        "criteria": [
            {"text": "Begroet de klant met naam van de organisatie", "weight": 1},
            {"text": "Vraagt naar het klantnummer", "weight": 1},
        ],
    },
    {
        "title": "Afhandeling",
        "criteria": [
            {
                "text": "Geeft een juist en volledig antwoord",
                "answer_type": "scale_1_5",
                "weight": 2,
            },
            {"text": "Controleert de identiteit voor gevoelige gegevens", "kind": "critical"},
            {
                "text": "Deelt geen persoonsgegevens met onbevoegden",
                "kind": "fatal",
                "not_applicable_allowed": False,
            },
        ],
    },
]


@pytest.fixture
def published_form(world):  # noqa: F811
    version = form_create(
        organisation=world.cast.organisation,
        name="Kwaliteitsformulier",
        sections=SECTIONS,
        actor=world.cast["coach"],
    )
    return version_publish(version=version, actor=world.cast["coach"])
