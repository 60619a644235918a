"""The register with its evidence as JSON, CSV and PDF, in the language of the request.

All three are made from the same document (register.document) and the same evidence lines, so
what the privacy officer files is what the page showed at that moment.
"""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from organisations.constants import Role
from organisations.models import Organisation
from organisations.spreadsheet import csv_writer
from register.constants import CustomerField, DataCategory, LegalBasis, RecipientKind, RetentionUnit
from register.document import CHILD_SECTIONS, register_document
from register.evidence import evidence_for


def labelled(activity: dict[str, Any]) -> dict[str, Any]:
    """An activity document with the display words beside the stored codes."""
    labels = {
        "legal_basis": dict(LegalBasis.choices),
        "retention_unit": dict(RetentionUnit.choices),
        "data_category": dict(DataCategory.choices),
        "kind": dict(RecipientKind.choices),
        "role": dict(Role.choices),
    }
    result = dict(activity)
    for section in ("purposes", "data_subject_entries", "recipients"):
        rows = []
        for row in activity.get(section, []):
            row = dict(row)
            for field, table in labels.items():
                if field in row:
                    row[f"{field}_label"] = str(table.get(row[field], row[field] or ""))
            if section == "data_subject_entries" and "period_set_by_organisation" in row:
                row["period_set_by_organisation_label"] = (
                    set_by_organisation_words() if row["period_set_by_organisation"] else ""
                )
            if section == "purposes" and "legal_basis" in row:
                row["legal_basis_words"] = legal_basis_words(row)
            rows.append(row)
        result[section] = rows
    customer = dict(CustomerField.choices)
    result["recorded_customer_fields_labels"] = [
        str(customer.get(code, code)) for code in activity.get("recorded_customer_fields", [])
    ]
    return result


def set_by_organisation_words() -> str:
    """Beside a retention period that is the organisation's own assumption."""
    return _("(set by the organisation, not in the published register)")


def legal_basis_words(purpose: dict[str, Any]) -> str:
    """The legal basis as the register writes it: the basis in words, then its explanation
    ("Gerechtvaardigd belang. Kwaliteitsverbetering van de klantgesprekken.")."""
    label = str(dict(LegalBasis.choices).get(purpose["legal_basis"], purpose["legal_basis"]))
    note = purpose.get("legal_basis_note") or ""
    return f"{label}. {note}" if note else label


def _filename(organisation: Organisation, extension: str) -> str:
    day = timezone.localdate().isoformat()
    return f"register-{slugify(organisation.slug)}-{day}.{extension}"


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _document_with_evidence(organisation: Organisation) -> dict[str, Any]:
    """The register with the words of the page's language beside every code (`…_label`, and
    the legal basis as the register writes it in `legal_basis_words`), and its evidence."""
    document = register_document(organisation)
    document["language"] = get_language() or settings.LANGUAGE_CODE
    document["activities"] = [labelled(activity) for activity in document["activities"]]
    document["evidence"] = [line.as_dict() for line in evidence_for(organisation)]
    return document


def json_text(organisation: Organisation) -> str:
    """The register export as JSON text: what *Export as JSON* downloads and import reads."""
    return json.dumps(_document_with_evidence(organisation), ensure_ascii=False, indent=2)


def as_json(organisation: Organisation) -> HttpResponse:
    body = json_text(organisation)
    return _attachment(body, "application/json; charset=utf-8", _filename(organisation, "json"))


def csv_rows(document: dict[str, Any]) -> list[list[str]]:
    """One row per value: section, reference, line number, field, value. Long ("tidy") form,
    because the register's lines have different columns per section."""
    rows = [["section", "reference", "line", "field", "value"]]
    for activity in document["activities"]:
        reference = activity["reference"]
        for field, value in activity.items():
            if field in CHILD_SECTIONS:
                for number, line in enumerate(value, 1):
                    for name, item in line.items():
                        rows.append([field, reference, str(number), name, _cell(item)])
            else:
                rows.append(["activity", reference, "", field, _cell(value)])
    for number, line in enumerate(document.get("evidence", []), 1):
        for name in ("section", "key", "label", "value", "ok", "url"):
            rows.append(["evidence", "", str(number), name, _cell(line[name])])
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def as_csv(organisation: Organisation) -> HttpResponse:
    buffer = io.StringIO()
    # The byte-order mark lets Excel open the UTF-8 text with its accents intact.
    buffer.write("\ufeff")
    csv_writer(buffer).writerows(csv_rows(_document_with_evidence(organisation)))
    return _attachment(buffer.getvalue(), "text/csv; charset=utf-8", _filename(organisation, "csv"))


# --- PDF --------------------------------------------------------------------------------------


# Tables with a header row, and label/value tables without one.
_FACTS_GRID = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
_GRID = TableStyle([*_FACTS_GRID, ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])


def _p(text: Any, style) -> Paragraph:
    return Paragraph(escape(str(text or "—")).replace("\n", "<br/>"), style)


def pdf_bytes(organisation: Organisation) -> bytes:
    document = _document_with_evidence(organisation)
    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
    small = body.clone("small", fontSize=8, leading=10)
    red = small.clone("red", textColor=colors.HexColor("#b00020"))
    story: list = [
        _p(_("Processing register"), h1),
        _p(
            _("%(organisation)s, exported %(when)s")
            % {
                "organisation": organisation.name,
                "when": timezone.localtime().strftime("%d-%m-%Y %H:%M"),
            },
            body,
        ),
    ]
    for raw in document["activities"]:
        activity = labelled(raw)
        story += [Spacer(1, 6 * mm), _p(f"{activity['name']} ({activity['reference']})", h2)]
        facts = [
            (_("Description"), activity["description"]),
            *(
                [(_("Organisation"), activity["published_organisation"])]
                if activity.get("published_organisation")
                else []
            ),
            (_("Controller"), activity["controller_name"]),
            (_("Visiting address"), activity["controller_visiting_address"]),
            (_("Postal address"), activity["controller_postal_address"]),
        ]
        story.append(_facts(facts, small))
        story += [Spacer(1, 3 * mm), _p(_("Purposes"), styles["Heading3"])]
        story.append(
            _table(
                [_("Purpose"), _("Legal basis")],
                [[p["description"], p["legal_basis_words"]] for p in activity["purposes"]],
                small,
                [120 * mm, 50 * mm],
            )
        )
        story += [Spacer(1, 3 * mm), _p(_("Data subjects and data"), styles["Heading3"])]
        story.append(
            _table(
                [
                    _("Data subjects"),
                    _("Personal data"),
                    _("Collection purpose"),
                    _("Retention period"),
                    _("Source"),
                    _("Mandatory supply"),
                ],
                [
                    [
                        e["subject_category"],
                        e["personal_data"],
                        e["collection_purpose"],
                        "\n".join(
                            part
                            for part in (
                                f"{e['retention_value']} {e['retention_unit_label']}",
                                e["period_set_by_organisation_label"],
                                e["retention_text"],
                            )
                            if part
                        ),
                        e["source"],
                        e["mandatory_supply_text"]
                        or (_("yes") if e["mandatory_supply"] else _("no")),
                    ]
                    for e in activity["data_subject_entries"]
                ],
                small,
                [30 * mm, 28 * mm, 30 * mm, 32 * mm, 28 * mm, 22 * mm],
            )
        )
        story += [Spacer(1, 3 * mm), _p(_("Recipients"), styles["Heading3"])]
        story.append(
            _table(
                [_("Recipient"), _("Kind")],
                [[r["name"], r["kind_label"]] for r in activity["recipients"]],
                small,
                [120 * mm, 50 * mm],
            )
        )
        story.append(Spacer(1, 3 * mm))
        story.append(
            _facts(
                [
                    (_("Transfer outside the EU"), activity["transfer_outside_eu"]),
                    (_("Automated decision-making"), activity["automated_decision_making"]),
                    (_("Related processing activities"), activity["related_processing"]),
                ],
                small,
            )
        )
    story += [Spacer(1, 6 * mm), _p(_("Evidence"), h2)]
    rows = [
        [
            _p(line["label"], small),
            _p(line["value"], small if line["ok"] else red),
            _p(_("yes") if line["ok"] else _("MISMATCH"), small if line["ok"] else red),
        ]
        for line in document["evidence"]
    ]
    table = Table(
        [[_p(_("Evidence"), small), _p(_("Value"), small), _p(_("Holds"), small)], *rows],
        colWidths=[60 * mm, 90 * mm, 20 * mm],
        repeatRows=1,
    )
    table.setStyle(_GRID)
    story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Processing register"),
        author=organisation.name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
    ).build(story)
    return buffer.getvalue()


def _facts(pairs, style) -> Table:
    table = Table(
        [[_p(label, style), _p(value, style)] for label, value in pairs],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(TableStyle(_FACTS_GRID))
    return KeepTogether([table])


def _table(header, rows, style, widths) -> Table:
    table = Table(
        [
            [_p(cell, style) for cell in header],
            *[[_p(cell, style) for cell in row] for row in rows],
        ],
        colWidths=widths,
        repeatRows=1,
    )
    table.setStyle(_GRID)
    return table


def as_pdf(organisation: Organisation) -> HttpResponse:
    return _attachment(pdf_bytes(organisation), "application/pdf", _filename(organisation, "pdf"))
