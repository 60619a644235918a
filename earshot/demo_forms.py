"""The demo's QM forms: a sensible Dutch form for each demo organisation, published."""

from __future__ import annotations

from coaching.constants import SampleMode
from coaching.models import QMForm, SamplingPolicy
from coaching.qm_forms import form_create, version_publish
from organisations.models import Organisation
from register.models import Purpose


def _yes_no(text: str, guidance: str = "", **extra) -> dict:
    return {"text": text, "guidance": guidance, **extra}


def _scale(text: str, guidance: str = "", weight: int = 2) -> dict:
    return {"text": text, "guidance": guidance, "answer_type": "scale_1_5", "weight": weight}


_PRIVACY = {
    "title": "Privacy en zorgvuldigheid",
    "criteria": [
        _yes_no(
            "Controleert de identiteit voordat persoonsgegevens worden besproken",
            "Vraag naar geboortedatum of klantnummer voordat u gegevens noemt.",
            kind="critical",
        ),
        _yes_no(
            "Verstrekt geen persoonsgegevens aan iemand die niet de klant is",
            "Een gesprek waarin gegevens aan een onbevoegde worden gegeven is onvoldoende.",
            kind="fatal",
            not_applicable_allowed=False,
        ),
    ],
}

FORMS = {
    "rvo-klantcontact": (
        "Kwaliteitsmonitor Klantcontact",
        [
            {
                "title": "Opening",
                "criteria": [
                    _yes_no("Begroet de klant met naam van RVO en eigen naam"),
                    _yes_no("Vraagt naar het relatie- of KvK-nummer"),
                ],
            },
            {
                "title": "Vraagbehandeling",
                "criteria": [
                    _scale(
                        "Achterhaalt de werkelijke vraag van de klant",
                        "Doorvragen tot de vraag achter de vraag duidelijk is.",
                    ),
                    _scale("Geeft een juist en volledig antwoord", weight=3),
                    _scale("Gebruikt begrijpelijke taal zonder vakjargon", weight=1),
                ],
            },
            {
                "title": "Afsluiting",
                "criteria": [
                    _yes_no("Vat de afspraken samen"),
                    _yes_no("Vraagt of de klant nog andere vragen heeft"),
                ],
            },
            _PRIVACY,
        ],
    ),
    "tbi-direct": (
        "Gespreksbeoordeling Storingsdienst",
        [
            {
                "title": "Opening",
                "criteria": [
                    _yes_no("Meldt zich met TBI Direct / Telecontrol en eigen naam"),
                    _yes_no("Noteert adres en terugbelnummer van de melder"),
                ],
            },
            {
                "title": "Storing",
                "criteria": [
                    _scale("Stelt de juiste vragen om de storing vast te stellen", weight=3),
                    {
                        "text": "Inschatting van de urgentie",
                        "guidance": "0 = volledig verkeerd, 10 = precies juist.",
                        "answer_type": "scale_0_10",
                        "weight": 2,
                    },
                    _yes_no("Noemt een realistische hersteltijd"),
                ],
            },
            _PRIVACY,
        ],
    ),
}


# TBI: "1 x per kwartaal, 3 willekeurig gekozen gesprekken per medewerker": drawn at once,
# when the quarter ends, from its calls still within the 62 days.
SAMPLING = {"tbi-direct": (3, "training-sample", SampleMode.AT_ONCE)}


def demo_sampling(organisation: Organisation) -> int:
    spec = SAMPLING.get(organisation.slug)
    if spec is None or SamplingPolicy.objects.filter(organisation=organisation).exists():
        return 0
    per_quarter, code, mode = spec
    SamplingPolicy.objects.create(
        organisation=organisation,
        per_quarter=per_quarter,
        mode=mode,
        purpose=Purpose.objects.get(activity__organisation=organisation, code=code),
    )
    return 1


def demo_forms(organisation: Organisation) -> int:
    """Create and publish the organisation's demo form once. Returns how many were made."""
    spec = FORMS.get(organisation.slug)
    if spec is None or QMForm.objects.filter(organisation=organisation).exists():
        return 0
    name, sections = spec
    version = form_create(organisation=organisation, name=name, sections=sections, actor=None)
    version_publish(version=version, actor=None)
    return 1
