"""The processing registers of the two demo organisations, transcribed from the seeds.

Pure data: no models, no database. Sources (in /work/shared/seeds/):

* ``000_c8a083b1a0a81836.txt``: RVO Klantcontact, entry M10495 of the central government's
  register of processing activities. Dutch text is verbatim; only the PDF's line wraps (and,
  for one collection purpose, a page break) are joined into single spaces. "financiéle" is
  kept as the seed spells it.
* ``003_f6dab349cd02f7c9.txt``: the TBI Direct/Telecontrol policy on recording calls. This is a
  policy, not a register entry, so the activity is derived from it; wherever possible the
  policy's own sentences are used. Fields the policy does not state are "" (see comments).

A purpose's ``short_label`` is not in either seed: it is the demo organisation's own short name
for the pages (player, request form, timeline), beside the register's verbatim wording.

The RVO entries table prints its field labels (Betrokkene(n), Persoonsgegevens, Verzameldoel,
Bewaartermijn, Bron, Aanleverplicht) in blocks with the values further down in the same order;
the seven entries below follow that order (five about employees, then two about customers).
"""

from __future__ import annotations

from organisations.constants import Role
from register.constants import (
    CustomerField,
    DataCategory,
    LegalBasis,
    RecipientKind,
    RetentionUnit,
)

# --------------------------------------------------------------------------------------------
# RVO Klantcontact (M10495)
# --------------------------------------------------------------------------------------------

_RVO_QUALITY_NOTE = "Kwaliteitsverbetering van de klantgesprekken."

_RVO_EMPLOYEES = (
    "Medewerkers van RVO, directie Klant, Advies en Informatie (KAI), die werken bij het "
    "Klantcontact waarvan het voeren van klantgesprekken onderdeel is van de functie"
)
_RVO_CUSTOMERS = (
    "Klanten van RVO die telefonisch contact hebben met een medewerker van het Klantcontact "
    "van de directie Klant, Advies en Informatie van RVO."
)
_RVO_FORM_AND_CONTENT = (
    "Gegevens over vorm en inhoud van het gesprek, in relatie tot de gestelde kwaliteitseisen."
)
_RVO_SELECTIELIJST = (
    "Zie Selectielijst Ministerie van EZK. Gegevens worden bewaard volgens de richtlijnen in de "
    "geldende selectielijsten. De concrete bewaartermijn wordt bepaald aan de hand van de "
    "complexiteit van het dossier en de daarin verrichte handelingen. Als de bewaartermijn is "
    "verstreken wordt het dossier in zijn geheel verwijderd inclusief documenten en gegevens."
)
# Entries 5-7 (entry 1 says "na de opnamedatum", with the article).
_RVO_ERASED_AFTER_28_DAYS = "Uiterlijk 28 dagen na opnamedatum wordt de opname automatisch gewist."
# ASSUMPTION: the seed gives no number for the Selectielijst entries. Seven years is the demo's
# assumption until the concrete category of the Selectielijst Ministerie van EZK is known.
_RVO_SELECTIELIJST_YEARS = 7
_RVO_NOT_MANDATORY = "Betrokkenen waren niet verplicht deze gegevens aan te leveren."

RVO_ACTIVITY = {
    "reference": "M10495",
    "name": "Opnemen en terugluisteren van telefoongesprekken Klantcontact",
    # The register's "Omschrijving" repeats the name.
    "description": "Opnemen en terugluisteren van telefoongesprekken Klantcontact",
    # "Organisatie", on two lines as the register prints it.
    "published_organisation": (
        "Ministerie van Economische Zaken\nRijksdienst voor Ondernemend Nederland"
    ),
    "controller_name": (
        "De Minister van Economische Zaken, namens deze de directeur-generaal Rijksdienst voor "
        "Ondernemend Nederland"
    ),
    # The addresses keep the register's lines.
    "controller_visiting_address": "Prinses Beatrixlaan 2\n2595AL DEN HAAG\nNEDERLAND",
    "controller_postal_address": "Postbus 93144\n2509AC DEN HAAG\nNEDERLAND",
    "automated_decision_making": (
        "Er is geen sprake van besluitvorming over persoonsgegevens op basis van automatisch "
        "verwerkte gegevens."
    ),
    "transfer_outside_eu": (
        "Er is geen sprake van doorgifte van persoonsgegevens aan één of meer landen buiten de "
        "Europese Unie of aan een internationale organisatie."
    ),
    # No closing full stop in the seed.
    "related_processing": "Deze verwerking bevat geen gerelateerde verwerkingen",
    # Entry 6: "NAW, BSN, postcode, telefoonnummer, geslacht, geboortedatum".
    "recorded_customer_fields": [
        CustomerField.NAME,
        CustomerField.ADDRESS,
        CustomerField.POSTCODE,
        CustomerField.BSN,
        CustomerField.PHONE,
        CustomerField.GENDER,
        CustomerField.DATE_OF_BIRTH,
    ],
    "purposes": [
        {
            "code": "quality-improvement",
            "short_label": "Kwaliteitsverbetering",
            "description": (
                "Het kunnen beschikken over de inhoud van zakelijke gesprekken en de wijze waarop "
                "die worden gevoerd ten behoeve van de kwaliteitsverbetering van klantgesprekken, "
                "overeenkomstig de privacyrichtlijnen voor het opnemen en terugluisteren van "
                "telefoongesprekken."
            ),
            "legal_basis": LegalBasis.CONTRACT,  # "Uitvoering overeenkomst."
            "legal_basis_note": _RVO_QUALITY_NOTE,
        },
        {
            "code": "misconduct-verification",
            "short_label": "Ernstig verwijtbare gedraging",
            "description": (
                "Verificatie van vermoedens van ernstig verwijtbare gedragingen van de werknemer, "
                "overeenkomstig de privacyrichtlijnen voor het opnemen en terugluisteren van "
                "telefoongesprekken."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,  # "Gerechtvaardigd belang."
            "legal_basis_note": _RVO_QUALITY_NOTE,
        },
        {
            "code": "agent-training",
            "short_label": "Training medewerkers",
            "description": (
                "Opnemen en terugluisteren ten behoeve van opleidingen voor de ontwikkeling van "
                "klantcontactvaardigheden van klantcontactmedewerkers, overeenkomstig de "
                "privacyrichtlijnen voor het opnemen en terugluisteren van telefoongesprekken."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
            "legal_basis_note": _RVO_QUALITY_NOTE,
        },
        {
            "code": "coach-training-calibration",
            "short_label": "Coachtraining en kalibratie",
            "description": (
                "Opnemen en terugluisteren ten behoeve van opleidingen voor de ontwikkeling van "
                "coachvaardigheden en kalibratie overeenkomstig de privacyrichtlijnen voor het "
                "opnemen en terugluisteren van telefoongesprekken."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
            "legal_basis_note": _RVO_QUALITY_NOTE,
        },
        {
            "code": "threat-investigation",
            "short_label": "Onderzoek bedreiging",
            "description": (
                "Het kunnen beschikken over de inhoud van de mogelijke bedreiging ten behoeve van "
                "beveiligingsonderzoek en/of opsporingsonderzoek overeenkomstig de "
                "privacyrichtlijnen voor het opnemen en terugluisteren van telefoongesprekken."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
            "legal_basis_note": _RVO_QUALITY_NOTE,
        },
        {
            "code": "audit-accountability",
            "short_label": "Controle en verantwoording",
            "description": (
                "Uitvoeren van (financiéle) controles, audits en het afleggen van verantwoording "
                "over de uitvoering."
            ),
            "legal_basis": LegalBasis.PUBLIC_TASK,  # "Taak van algemeen belang", no explanation
            "legal_basis_note": "",
        },
        {
            "code": "management-information",
            "short_label": "Managementinformatie",
            "description": (
                "Opstellen van managementinformatie, waaronder het samenstellen van rapportages "
                "en overzichten."
            ),
            "legal_basis": LegalBasis.PUBLIC_TASK,
            "legal_basis_note": "",
        },
        {
            "code": "archiving",
            "short_label": "Archivering",
            "description": "Archiveren conform de Archiefwet.",
            "legal_basis": LegalBasis.LEGAL_OBLIGATION,  # "Wettelijke verplichting"
            "legal_basis_note": "",
        },
        {
            "code": "research-statistics",
            "short_label": "Onderzoek en statistiek",
            "description": (
                "Gebruiken voor (wetenschappelijk) onderzoek, statistiek of verbeteren beleid, "
                "waaronder beleidsevaluatie met betrekking tot de effectiviteit van de regelingen "
                "en onderzoek naar klanttevredenheid."
            ),
            "legal_basis": LegalBasis.PUBLIC_TASK,
            "legal_basis_note": "",
        },
    ],
    "data_subject_entries": [
        # 1. Employees: name of the employee (part of the recording, erased after 28 days).
        {
            "subject_category": _RVO_EMPLOYEES,
            "personal_data": "Naam van de medewerker.",
            "collection_purpose": "Ter identificatie van medewerker in het gesprek met de klant.",
            "data_category": DataCategory.RECORDING,
            "retention_value": 28,
            "retention_unit": RetentionUnit.DAYS,
            "retention_text": (
                "Uiterlijk 28 dagen na de opnamedatum wordt de opname automatisch gewist."
            ),
            # Transcribed as it stands in the Bron position of the first entry, although it
            # reads more like a description of calibration use than like a source.
            "source": (
                "De coach die het gesprek heeft gemonitord brengt deze in als casus bij de "
                "kalibratie (hij vraagt of hij dit mag doen aan de medewerker)."
            ),
            "mandatory_supply": False,
            "mandatory_supply_text": _RVO_NOT_MANDATORY,
        },
        # 2. Employees: QM form filled in by the coach while monitoring -> EVALUATION.
        {
            "subject_category": _RVO_EMPLOYEES,
            "personal_data": _RVO_FORM_AND_CONTENT,
            "collection_purpose": (
                "Coaching en monitoring ten behoeve van de verbetering van de kwaliteit van "
                "klantgesprekken."
            ),
            "data_category": DataCategory.EVALUATION,
            "retention_value": _RVO_SELECTIELIJST_YEARS,  # assumption, see above
            "retention_unit": RetentionUnit.YEARS,
            "retention_text": _RVO_SELECTIELIJST,
            "period_set_by_organisation": True,
            "source": "Tijdens het monitoren vult de coach een QM-formulier in.",
            "mandatory_supply": False,
            "mandatory_supply_text": _RVO_NOT_MANDATORY,
        },
        # 3. Employees: coach training and calibration -> CALIBRATION.
        {
            "subject_category": _RVO_EMPLOYEES,
            "personal_data": _RVO_FORM_AND_CONTENT,
            "collection_purpose": (
                "Opnemen en terugluisteren ten behoeve van opleidingen en kalibratie voor de "
                "ontwikkeling van coachvaardigheden."
            ),
            "data_category": DataCategory.CALIBRATION,
            "retention_value": _RVO_SELECTIELIJST_YEARS,  # assumption, see above
            "retention_unit": RetentionUnit.YEARS,
            "retention_text": _RVO_SELECTIELIJST,
            "period_set_by_organisation": True,
            "source": "De coach die het gesprek heeft gevoerd met de KC-medewerker.",
            "mandatory_supply": False,
            "mandatory_supply_text": _RVO_NOT_MANDATORY,
        },
        # 4. Employees: training of customer-contact skills. The data kept are assessments of
        # the employee's calls (as in entry 2), not calibration results -> EVALUATION.
        # The collection purpose is split by a page break in the seed; joined here.
        {
            "subject_category": _RVO_EMPLOYEES,
            "personal_data": _RVO_FORM_AND_CONTENT,
            "collection_purpose": (
                "Opnemen en terugluisteren ten behoeve van opleidingen voor de ontwikkeling van "
                "klantcontactvaardigheden van klantcontactmedewerkers."
            ),
            "data_category": DataCategory.EVALUATION,
            "retention_value": _RVO_SELECTIELIJST_YEARS,  # assumption, see above
            "retention_unit": RetentionUnit.YEARS,
            "retention_text": _RVO_SELECTIELIJST,
            "period_set_by_organisation": True,
            "source": (
                "De coach die het gesprek heeft gemonitord vraagt de betreffende medewerker of hij "
                "deze mag gebruiken ten behoeve van de opleiding."
            ),
            "mandatory_supply": False,
            "mandatory_supply_text": _RVO_NOT_MANDATORY,
        },
        # 5. Employees: content of the call, for verifying suspected serious misconduct.
        {
            "subject_category": _RVO_EMPLOYEES,
            "personal_data": "Gegevens over de inhoud van het gesprek.",
            "collection_purpose": (
                "Verificatie van vermoedens van ernstig verwijtbare gedragingen van de werknemer."
            ),
            "data_category": DataCategory.RECORDING,
            "retention_value": 28,
            "retention_unit": RetentionUnit.DAYS,
            "retention_text": _RVO_ERASED_AFTER_28_DAYS,
            "source": "Betrokkene",
            "mandatory_supply": False,
            "mandatory_supply_text": _RVO_NOT_MANDATORY,
        },
        # 6. Customers: identifying data.
        {
            "subject_category": _RVO_CUSTOMERS,
            "personal_data": "NAW, BSN, postcode, telefoonnummer, geslacht, geboortedatum",
            "collection_purpose": "Ter identificatie van de klant.",
            "data_category": DataCategory.RECORDING,
            "retention_value": 28,
            "retention_unit": RetentionUnit.DAYS,
            "retention_text": _RVO_ERASED_AFTER_28_DAYS,
            "source": "Betrokkene",
            "mandatory_supply": False,
            "mandatory_supply_text": _RVO_NOT_MANDATORY,
        },
        # 7. Customers: content of the call, for verifying a threat.
        {
            "subject_category": _RVO_CUSTOMERS,
            "personal_data": (
                "De inhoud van het telefoongesprek: gegevens over de gestelde vragen, de "
                "verkregen informatie."
            ),
            "collection_purpose": "Verificatie van bedreiging.",
            "data_category": DataCategory.RECORDING,
            "retention_value": 28,
            "retention_unit": RetentionUnit.DAYS,
            "retention_text": _RVO_ERASED_AFTER_28_DAYS,
            "source": "De medewerker RVO en de klant.",
            "mandatory_supply": False,
            "mandatory_supply_text": _RVO_NOT_MANDATORY,
        },
    ],
    "recipients": [
        {
            "name": "Medewerkers die het telefoongesprek hebben gevoerd",
            "kind": RecipientKind.INTERNAL_ROLE,
            "role": Role.EMPLOYEE,
        },
        {
            "name": (
                "Medewerkers die een coachende en opleidende rol vervullen. Zij beluisteren de "
                "gesprekken alleen ten behoeve van de eerste vier doelstellingen: monitoring, "
                "coaching, opleiding gespreksvaardigheden, opleiding coachvaardigheden en "
                "kalibratie"
            ),
            "kind": RecipientKind.INTERNAL_ROLE,
            "role": Role.COACH,
        },
        {
            "name": (
                "Leidinggevende, in geval van ernstig verwijtbare gedraging, in geval van "
                "bedreiging en in uitzonderlijke situaties"
            ),
            "kind": RecipientKind.INTERNAL_ROLE,
            "role": Role.MANAGER,
        },
        {
            "name": "Politie, in geval van bedreiging.",
            "kind": RecipientKind.OUTSIDE_PARTY,
            "role": "",
        },
        {
            "name": "DICTU (Dienst ICT uitvoering)",
            "kind": RecipientKind.PROCESSOR,
            "role": "",
        },
    ],
}

# --------------------------------------------------------------------------------------------
# TBI Direct / Telecontrol (derived from the policy)
# --------------------------------------------------------------------------------------------

_TBI_LEGITIMATE_INTEREST = (
    "Wij verwerken deze gegevens omdat wij een rechtmatig belang hebben in het optimaliseren van "
    "onze dienstverlening."
)
_TBI_COLLECTION_PURPOSE = (
    "Onze gesprekken worden opgenomen voor trainingsdoeleinden (proactief) en "
    "kwaliteitsdoeleinden (reactief). Deze data is noodzakelijk om klachten correct te kunnen "
    "behandelen."
)
_TBI_RETENTION_TEXT = "De bewaartermijn van de gespreksopnames is 62 dagen."

TBI_ACTIVITY = {
    # Our own reference: the policy is not a register entry and has no number.
    "reference": "TBI-GO-01",
    "name": "Gespreksopname TBI Direct/Telecontrol",
    "description": (
        "Onze gesprekken worden opgenomen voor trainingsdoeleinden (proactief) en "
        "kwaliteitsdoeleinden (reactief)"
    ),
    "controller_name": "Croonwolter&dros / TBI Direct/Telecontrol",
    # Not stated in the policy.
    "controller_visiting_address": "",
    "controller_postal_address": "",
    "automated_decision_making": "",
    "transfer_outside_eu": "",
    "related_processing": "",
    # The policy stores "telefoonnummers" of callers, nothing else that identifies them.
    "recorded_customer_fields": [CustomerField.PHONE],
    # Each purpose is a bullet of the policy, verbatim; all share the one stated legal basis.
    "purposes": [
        {
            # Proactive: 3 random calls per employee per quarter, listened to with the employee.
            "code": "training-sample",
            "short_label": "Coaching (steekproef)",
            "description": (
                "In het kader van trainingsdoeleinden selecteren wij 1 x per kwartaal, 3 "
                "willekeurig gekozen gesprekken per medewerker. Aan de hand hiervan coachen en "
                "trainen wij onze medewerkers. De medewerker zelf is direct betrokken bij het "
                "terugluisteren."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
            "legal_basis_note": _TBI_LEGITIMATE_INTEREST,
        },
        {
            # Reactive: a motivated request from a customer or an employee.
            "code": "reactive-request",
            "short_label": "Terugluisteren op verzoek",
            "description": (
                "Op verzoek van klanten of van medewerkers, zullen we een gesprek terugluisteren. "
                "Wij behandelen alleen met redenen omklede verzoeken en zullen een verzoek enkel "
                "honoreren wanneer dit gerechtvaardigd is."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
            "legal_basis_note": _TBI_LEGITIMATE_INTEREST,
        },
        {
            # Reactive: an anonymised, typed-out transcript sent to the customer.
            "code": "customer-transcript",
            "short_label": "Uitgetypt gesprek voor de klant",
            "description": (
                "Incidenteel kan het noodzakelijk zijn de inhoud van het gesprek, uitgetypt naar "
                "de betreffende klant te sturen. Hierbij worden alle persoonsgegevens "
                "geanonimiseerd."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
            "legal_basis_note": _TBI_LEGITIMATE_INTEREST,
        },
        {
            # Reactive: complaint investigation, recorded in the complaints register.
            "code": "complaint-investigation",
            "short_label": "Klachtafhandeling",
            "description": (
                "Daarnaast kan er n.a.v. klachten over ons werkproces een onderzoek gestart worden "
                "naar het verloop van onze dienstverlening. Dit wordt geregistreerd in het "
                "klachtenregistratiesysteem."
            ),
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
            "legal_basis_note": _TBI_LEGITIMATE_INTEREST,
        },
    ],
    # Derived from "diverse tijdstippen, telefoonnummers, beschikbare medewerkers en de
    # audiobestanden" and the 62-day retention. The policy states neither the source nor whether
    # supplying the data is mandatory: source and mandatory_supply_text are "", mandatory_supply
    # stays at the model's default (False).
    "data_subject_entries": [
        {
            "subject_category": "Medewerkers van TBI Direct/Telecontrol",
            "personal_data": (
                "Tijdstippen, telefoonnummers, beschikbare medewerkers en de audiobestanden"
            ),
            "collection_purpose": _TBI_COLLECTION_PURPOSE,
            "data_category": DataCategory.RECORDING,
            "retention_value": 62,
            "retention_unit": RetentionUnit.DAYS,
            "retention_text": _TBI_RETENTION_TEXT,
            "source": "",  # not stated in the policy
            "mandatory_supply": False,  # not stated in the policy
            "mandatory_supply_text": "",  # not stated in the policy
        },
        {
            "subject_category": "Klanten die telefonisch contact hebben met TBI Direct/Telecontrol",
            "personal_data": "Tijdstippen, telefoonnummers en de audiobestanden",
            "collection_purpose": _TBI_COLLECTION_PURPOSE,
            "data_category": DataCategory.RECORDING,
            "retention_value": 62,
            "retention_unit": RetentionUnit.DAYS,
            "retention_text": _TBI_RETENTION_TEXT,
            "source": "",  # not stated in the policy
            "mandatory_supply": False,  # not stated in the policy
            "mandatory_supply_text": "",  # not stated in the policy
        },
    ],
    "recipients": [
        {
            "name": "Manager van TBI Direct/Telecontrol",
            "kind": RecipientKind.INTERNAL_ROLE,
            "role": Role.MANAGER,
        },
        {
            "name": "Teamleiders van TBI Direct/Telecontrol",
            "kind": RecipientKind.INTERNAL_ROLE,
            "role": Role.TEAM_LEADER,
        },
        {
            # A processor, not an internal role: TBI SSC-ICT Dienst b.v. is a separate legal
            # entity (a shared-service b.v. of the TBI group) that signed the policy and holds it
            # in its own administration; it keeps the systems running on TBI Direct's behalf.
            # This mirrors how RVO lists DICTU. No Earshot role is tied to it.
            "name": (
                "De bevoegde personen binnen het ICT backoffice van Croonwolter&dros: "
                "TBI SSC-ICT Dienst b.v."
            ),
            "kind": RecipientKind.PROCESSOR,
            "role": "",
        },
        {
            "name": "De betreffende klant (uitgetypte, geanonimiseerde inhoud van het gesprek)",
            "kind": RecipientKind.OUTSIDE_PARTY,
            "role": "",
        },
    ],
}

ORGANISATIONS = [
    {
        "slug": "rvo-klantcontact",
        "name": "RVO Klantcontact",
        "timezone": "Europe/Amsterdam",
        "activities": [RVO_ACTIVITY],
    },
    {
        "slug": "tbi-direct",
        "name": "TBI Direct / Telecontrol",
        "timezone": "Europe/Amsterdam",
        "activities": [TBI_ACTIVITY],
    },
]


# --------------------------------------------------------------------------------------------
# Recording policies employees acknowledge (register.RecordingPolicy), per organisation slug.
# TBI's Dutch text is the seed policy verbatim (the PDF's line wraps joined); the English is
# our translation. RVO's seed is a register entry, not a policy text: its policy is worded from
# the entry's own sentences ("privacyrichtlijnen voor het opnemen en terugluisteren").
# --------------------------------------------------------------------------------------------

_TBI_POLICY_NL = """Met welk doel worden onze gesprekken opgenomen?

Onze gesprekken worden opgenomen voor trainingsdoeleinden (proactief) en kwaliteitsdoeleinden (reactief)

Wij verwerken deze gegevens omdat wij een rechtmatig belang hebben in het optimaliseren van onze dienstverlening.

Proactief:

- In het kader van trainingsdoeleinden selecteren wij 1 x per kwartaal, 3 willekeurig gekozen gesprekken per medewerker. Aan de hand hiervan coachen en trainen wij onze medewerkers. De medewerker zelf is direct betrokken bij het terugluisteren.

Reactief :

- Op verzoek van klanten of van medewerkers, zullen we een gesprek terugluisteren. Wij behandelen alleen met redenen omklede verzoeken en zullen een verzoek enkel honoreren wanneer dit gerechtvaardigd is.
- Incidenteel kan het noodzakelijk zijn de inhoud van het gesprek, uitgetypt naar de betreffende klant te sturen. Hierbij worden alle persoonsgegevens geanonimiseerd.
- Daarnaast kan er n.a.v. klachten over ons werkproces een onderzoek gestart worden naar het verloop van onze dienstverlening. Dit wordt geregistreerd in het klachtenregistratiesysteem.

Wie hebben er allemaal toegang tot de opnames?

Binnen Croonwolter&dros hebben de Manager en Teamleiders van Croonwolter&dros van TBI Direct/Telecontrol toegang tot geluidsopnames alsook de bevoegde personen binnen het ICT backoffice van Croonwolter&dros: TBI SSC-ICT Dienst b.v..

Het ophalen en beluisteren van geluidsopnames wordt altijd door middel van het vier ogen principe uitgevoerd en vastgelegd in het klachtenregistratiesysteem.

Wat is de bewaartermijn van de gespreksopnames?

De bewaartermijn van de gespreksopnames is 62 dagen."""  # noqa: E501

_TBI_POLICY_EN = """Why are our calls recorded?

Our calls are recorded for training (proactive) and quality (reactive) purposes.

We process these data because we have a legitimate interest in improving our service.

Proactive:

- For training, once a quarter we select 3 randomly chosen calls per employee. We coach and train our employees with them. The employee takes part in listening back.

Reactive:

- At the request of customers or employees we listen back to a call. We only handle motivated requests and grant a request only where it is justified.
- Occasionally the content of a call may have to be sent, typed out, to the customer concerned. All personal data are then anonymised.
- After complaints about our way of working an investigation into the course of our service may be started. It is recorded in the complaints register.

Who has access to the recordings?

The manager and team leaders of TBI Direct/Telecontrol, and the authorised persons of the ICT back office (TBI SSC-ICT Dienst b.v.).

Recordings are always retrieved and listened to under the four-eyes principle and recorded in the complaints register.

How long are recordings kept?

Recordings are kept for 62 days."""  # noqa: E501

_RVO_POLICY_NL = """Telefoongesprekken van het Klantcontact worden opgenomen en teruggeluisterd overeenkomstig de privacyrichtlijnen voor het opnemen en terugluisteren van telefoongesprekken.

- Coaches luisteren gesprekken terug voor monitoring en coaching, voor opleidingen van klantcontactmedewerkers en voor opleidingen van coaches en kalibratie. Tijdens het monitoren vult de coach een QM-formulier in.
- Een gesprek wordt alleen als casus bij een opleiding of kalibratie gebruikt als de medewerker daar toestemming voor geeft.
- Een manager luistert een gesprek alleen terug bij een vermoeden van ernstig verwijtbaar gedrag of een mogelijke bedreiging, na goedkeuring door een tweede persoon.
- Uiterlijk 28 dagen na de opnamedatum wordt de opname automatisch gewist."""  # noqa: E501

_RVO_POLICY_EN = """Calls of Customer Contact are recorded and listened back to under the privacy guidelines for recording and listening back to telephone calls.

- Coaches listen back to calls for monitoring and coaching, for training customer contact employees, and for training coaches and calibration. While monitoring, the coach fills in a QM form.
- A call is used as a case in training or calibration only when the employee consents.
- A manager listens back to a call only on a suspicion of serious misconduct or a possible threat, after a second person approves.
- A recording is erased automatically at the latest 28 days after the day it was made."""  # noqa: E501

RECORDING_POLICIES = {
    "rvo-klantcontact": {
        "title_nl": "Privacyrichtlijnen opnemen en terugluisteren van telefoongesprekken",
        "title_en": "Privacy guidelines for recording and listening back to calls",
        "text_nl": _RVO_POLICY_NL,
        "text_en": _RVO_POLICY_EN,
    },
    "tbi-direct": {
        "title_nl": "Beleid en grondslag gespreksopname TBI Direct/Telecontrol",
        "title_en": "Call recording policy and legal basis, TBI Direct/Telecontrol",
        "text_nl": _TBI_POLICY_NL,
        "text_en": _TBI_POLICY_EN,
    },
}
