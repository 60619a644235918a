"""The small PDF toolkit of the answer's documents (letter and copy): a Unicode font where the
system has one, paragraphs that escape their text, a two-column table of facts."""

from __future__ import annotations

import io
import os
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

_FONTS = {
    "AnswerSans": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        os.path.join(os.path.dirname(__import__("reportlab").__file__), "fonts", "Vera.ttf"),
    ],
    "AnswerSans-Bold": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        os.path.join(os.path.dirname(__import__("reportlab").__file__), "fonts", "VeraBd.ttf"),
    ],
}


def _font(name: str, fallback: str) -> str:
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    for path in _FONTS[name]:
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return fallback


def styles() -> dict[str, Any]:
    regular, bold = _font("AnswerSans", "Helvetica"), _font("AnswerSans-Bold", "Helvetica-Bold")
    sheet = getSampleStyleSheet()
    body = sheet["BodyText"].clone("answer-body", fontName=regular, fontSize=10, leading=13)
    return {
        "body": body,
        "small": body.clone("answer-small", fontSize=8, leading=10),
        "h1": sheet["Title"].clone("answer-h1", fontName=bold, fontSize=16, leading=20),
        "h2": sheet["Heading2"].clone("answer-h2", fontName=bold, fontSize=12, leading=15),
        "h3": sheet["Heading3"].clone("answer-h3", fontName=bold, fontSize=10, leading=13),
    }


def p(text: Any, style: Any) -> Paragraph:
    return Paragraph(
        escape(str(text if text not in (None, "") else "—")).replace("\n", "<br/>"), style
    )


def facts(pairs: list[tuple[Any, Any]], style: Any, widths=(45 * mm, 125 * mm)) -> Table:
    table = Table(
        [[p(k, style), p(v, style)] for k, v in pairs], colWidths=list(widths), splitInRow=1
    )
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return table


def grid(header: list, rows: list[list], style: Any, widths: list) -> Table:
    table = Table(
        [[p(c, style) for c in header], *[[p(c, style) for c in row] for row in rows]],
        colWidths=widths,
        repeatRows=1,
        splitInRow=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def build(story: list, *, title: str, author: str) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    ).build(story)
    return buffer.getvalue()
