"""The human-readable PDF of a data subject's copy (the same contents as its JSON)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from recordings.models import Recording
from subjects.copy_contents import CUSTOMER_FIELDS
from subjects.letter_style import build, facts, grid, p, styles


def _when(iso: str) -> str:
    """ISO 8601 as 'dd-mm-yyyy hh:mm' (or the date alone)."""
    if not iso:
        return ""
    date, _sep, time = iso.partition("T")
    year, month, day = date.split("-")
    return f"{day}-{month}-{year}" + (f" {time[:5]}" if time else "")


def _customer_label(key: str) -> str:
    """The recording field's own (translated) name for a key of the copy's "customer"."""
    field = {k: f for f, k in CUSTOMER_FIELDS}.get(key, f"customer_{key}")
    try:
        return str(Recording._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return key


def copy_pdf(contents: dict) -> bytes:
    s = styles()
    body, small = s["body"], s["small"]
    story: list = [
        p(_("Your personal data held by %(organisation)s") % contents, s["h1"]),
        p(
            _("Copy made on %(when)s in answer to your request %(reference)s.")
            % {"when": _when(contents["made_at"]), "reference": contents["request"]["reference"]},
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    story += [p(choice, small) for choice in contents["choices"]]
    story += [Spacer(1, 4 * mm), p(_("Calls"), s["h2"])]
    if not contents["calls"]:
        story.append(p(_("No recorded calls."), body))
    for number, call in enumerate(contents["calls"], start=1):
        story.append(p(_("Call %(number)d") % {"number": number}, s["h3"]))
        customer = "\n".join(
            f"{_customer_label(key)}: {value}" for key, value in call["customer"].items()
        )
        pairs = [
            (_("Start"), _when(call["started_at"])),
            (
                _("Duration"),
                _("%(seconds)s seconds") % {"seconds": number_format(call["duration_seconds"])},
            ),
            (_("Direction"), call["direction_label"]),
            (_("Queue / line"), call["queue"]),
            (_("Employee"), call["employee"]),
            (_("Your data on the call"), customer),
            (
                _("Erased at the latest"),
                _("under legal hold")
                if call["under_legal_hold"]
                else _when(call["erased_at_the_latest"]),
            ),
            (_("Files in this copy"), "\n".join(call["files"]) or _("none")),
        ]
        story.append(facts(pairs, small))
        story.append(Spacer(1, 2 * mm))
        if call["listens"]:
            story.append(
                grid(
                    [_("Listened on"), _("By"), _("Role"), _("Purpose")],
                    [
                        [
                            _when(x["at"]),
                            x["listener"],
                            x["listener_role"],
                            x["purpose"] or x["purpose_code"],
                        ]
                        for x in call["listens"]
                    ],
                    small,
                    [32 * mm, 40 * mm, 28 * mm, 70 * mm],
                )
            )
        else:
            story.append(p(_("Nobody listened to this call."), small))
        for evaluation in call["evaluations"]:
            story.append(
                p(
                    _("Evaluated on %(when)s with the form %(form)s (%(purpose)s).")
                    % {
                        "when": _when(evaluation["at"]),
                        "form": evaluation["form"],
                        "purpose": evaluation["purpose"],
                    },
                    small,
                )
            )
        story.append(Spacer(1, 3 * mm))
    sections = [
        (
            _("Cases"),
            [_("Reference"), _("Kind"), _("Received"), _("Status"), _("Description")],
            [
                [c["reference"], c["kind"], _when(c["received_on"]), c["status"], c["description"]]
                for c in contents["cases"]
            ],
            [25 * mm, 28 * mm, 22 * mm, 20 * mm, 75 * mm],
        ),
        (
            _("Requests to hear or hand over your calls"),
            [_("Date"), _("Kind"), _("Purpose"), _("Status"), _("Case")],
            [
                [_when(r["created_at"]), r["kind"], r["purpose"], r["status"], r["case"]]
                for r in contents["access_requests"]
            ],
            [28 * mm, 30 * mm, 62 * mm, 25 * mm, 25 * mm],
        ),
        (
            _("Copies handed to others or to you"),
            [_("Date"), _("Recipient"), _("Contents")],
            [
                [_when(d["created_at"]), d["recipient"], d["contents"]]
                for d in contents["disclosures"]
            ],
            [30 * mm, 70 * mm, 70 * mm],
        ),
        (
            _("Your earlier requests"),
            [_("Reference"), _("Right"), _("Received"), _("Decision")],
            [
                [e["reference"], e["right"], _when(e["received_on"]), e["decision"]]
                for e in contents["earlier_requests"]
            ],
            [35 * mm, 50 * mm, 35 * mm, 50 * mm],
        ),
    ]
    for title, header, rows, widths in sections:
        story += [Spacer(1, 3 * mm), p(title, s["h2"])]
        story.append(grid(header, rows, small, widths) if rows else p(_("None."), body))
    return build(story, title=_("Copy of your personal data"), author=contents["organisation"])
