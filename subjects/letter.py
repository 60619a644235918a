"""The answer letter of a data subject request: a PDF in the request's language (Dutch or
English) stating the decision and its reason, what was found, what was done (the copy sent by
link and separate code; the calls erased, with their days; calls under legal hold with the
hold's date and case), what happens to case records, and whether the deadline was met.

Written from the request and the answer's `outcome` (kept when the answer was carried out), so
the letter reads the same later, after the calls it names are erased."""

from __future__ import annotations

from datetime import date

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from subjects.answer_constants import AnswerAction
from subjects.answer_models import SubjectAnswer
from subjects.constants import SubjectDecision, SubjectRight
from subjects.letter_style import build, p, styles

FOUND_WORDS = {
    "recordings": lambda n: ngettext("%(n)d recorded call", "%(n)d recorded calls", n),
    "transcripts": lambda n: ngettext("%(n)d transcript", "%(n)d transcripts", n),
    "cases": lambda n: ngettext("%(n)d case", "%(n)d cases", n),
    "access_requests": lambda n: ngettext(
        "%(n)d request to hear or hand over a call", "%(n)d requests to hear or hand over calls", n
    ),
    "disclosures": lambda n: ngettext(
        "%(n)d copy handed to a recipient", "%(n)d copies handed to recipients", n
    ),
    "evaluations": lambda n: ngettext(
        "%(n)d evaluation of a call", "%(n)d evaluations of calls", n
    ),
    "subject_requests": lambda n: ngettext(
        "%(n)d earlier request of yours", "%(n)d earlier requests of yours", n
    ),
}


def _decision_words(decision: str) -> str:
    return {
        SubjectDecision.GRANTED: _("Our decision: we grant your request."),
        SubjectDecision.PARTLY_GRANTED: _("Our decision: we grant your request in part."),
        SubjectDecision.REFUSED: _("Our decision: we refuse your request."),
        SubjectDecision.NOTHING_FOUND: _("Our decision: we hold no personal data about you."),
    }[decision]


def _day(value: str | date | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d-%m-%Y")


def _found(outcome: dict) -> list[str]:
    counts = outcome.get("found", {})
    return [
        words(counts[key]) % {"n": counts[key]}
        for key, words in FOUND_WORDS.items()
        if counts.get(key)
    ]


def _what_was_done(answer: SubjectAnswer, outcome: dict) -> list[str]:
    lines: list[str] = []
    if answer.action == AnswerAction.COPY and outcome.get("copy"):
        copy = outcome["copy"]
        lines.append(
            _(
                "We have made a full copy of this data: a PDF to read and a JSON file for "
                "computers, with for each call who listened to it, when and for what purpose."
            )
        )
        if copy.get("audio"):
            lines.append(
                ngettext(
                    "The copy holds the audio of %(n)d call.",
                    "The copy holds the audio of %(n)d calls.",
                    copy["audio"],
                )
                % {"n": copy["audio"]}
            )
        if copy.get("transcripts"):
            lines.append(
                ngettext(
                    "The copy holds an anonymised transcript of %(n)d call.",
                    "The copy holds anonymised transcripts of %(n)d calls.",
                    copy["transcripts"],
                )
                % {"n": copy["transcripts"]}
            )
        lines.append(
            _(
                "You receive a download link by e-mail and, in a separate e-mail, the code that "
                "opens it. The link works until %(until)s. This letter is in the copy as well."
            )
            % {"until": _day(copy.get("link_until"))}
        )
    if answer.action == AnswerAction.ERASURE:
        erased = outcome.get("erased", [])
        if erased:
            lines.append(
                ngettext(
                    "On %(when)s we erased %(n)d recorded call (of %(days)s) before the end of "
                    "its retention period. Its audio is deleted; what remains is a record "
                    "without personal data that the call existed.",
                    "On %(when)s we erased %(n)d recorded calls (of %(days)s) before the end of "
                    "their retention period. Their audio is deleted; what remains is a record "
                    "without personal data that the calls existed.",
                    len(erased),
                )
                % {
                    "when": _day(outcome.get("done_on")),
                    "n": len(erased),
                    "days": ", ".join(_day(call["day"]) for call in erased),
                }
            )
        for call in outcome.get("held", []):
            # A hold placed without a case is said without one, not as "for case —".
            sentence = (
                _(
                    "The call of %(day)s is not erased: it is under legal hold since %(since)s "
                    "for case %(case)s. It is erased when the hold is released and its "
                    "retention period has ended."
                )
                if call.get("case")
                else _(
                    "The call of %(day)s is not erased: it is under legal hold since %(since)s. "
                    "It is erased when the hold is released and its retention period has ended."
                )
            )
            lines.append(
                sentence
                % {
                    "day": _day(call["day"]),
                    "since": _day(call.get("since")) or "—",
                    "case": call.get("case") or "",
                }
            )
        for call in outcome.get("failed", []):
            lines.append(
                _(
                    "The call of %(day)s could not be erased yet because of a storage error; "
                    "we will erase it and let you know."
                )
                % {"day": _day(call["day"])}
            )
    if answer.subject_request.right == SubjectRight.RESTRICTION:
        lines.append(
            _(
                "We have recorded your request for restriction. Recorded calls are heard only "
                "under our access policy and are erased at the end of their retention period."
            )
        )
    counts = outcome.get("found", {})
    kept = counts.get("cases", 0) + counts.get("access_requests", 0)
    if kept and answer.subject_request.right in (SubjectRight.ERASURE, SubjectRight.OBJECTION):
        days = outcome.get("case_records_days")
        lines.append(
            (
                _(
                    "Cases and requests about your calls are records we must keep to account "
                    "for who accessed your data. We do not erase them now; they are erased "
                    "when their retention period of %(days)d days has ended."
                )
                % {"days": days}
            )
            if days
            else _(
                "Cases and requests about your calls are records we must keep to account for "
                "who accessed your data. We do not erase them now; they are erased when their "
                "retention period has ended."
            )
        )
    return lines


def _deadline(answer: SubjectAnswer, outcome: dict) -> str:
    request = answer.subject_request
    answered = outcome.get("done_on") or date.today().isoformat()
    deadline = request.extended_deadline or request.deadline
    words = {
        "received": _day(request.received_on),
        "deadline": _day(deadline),
        "answered": _day(answered),
    }
    if request.extended_deadline:
        text = _(
            "We received your request on %(received)s. We extended the time for our answer to "
            "%(deadline)s and told you why."
        )
    else:
        text = _(
            "We received your request on %(received)s. The deadline for our answer was "
            "%(deadline)s."
        )
    met = date.fromisoformat(answered[:10]) <= deadline
    text += " " + (
        _("We answer on %(answered)s, within the deadline.")
        if met
        else _("We answer on %(answered)s, after the deadline; we apologise.")
    )
    return text % words


def letter_pdf(answer: SubjectAnswer) -> bytes:
    """The letter of a carried-out answer, in the answer's language."""
    request = answer.subject_request
    organisation = request.organisation
    outcome = answer.outcome or {}
    with translation.override(answer.language):
        s = styles()
        body = s["body"]
        right = str(SubjectRight(request.right).label)
        story: list = [
            p(organisation.name, s["h2"]),
            p(_day(outcome.get("done_on")) or formats.date_format(date.today(), "d-m-Y"), body),
            Spacer(1, 6 * mm),
            p(_("To: %(name)s") % {"name": request.requester_name}, body),
            p(
                _("Concerning: your request %(reference)s (%(right)s)")
                % {"reference": request.reference, "right": right},
                body,
            ),
            Spacer(1, 6 * mm),
            p(_("Dear %(name)s,") % {"name": request.requester_name}, body),
            Spacer(1, 3 * mm),
            p(_decision_words(answer.decision), s["h3"]),
            p(answer.reason, body),
            Spacer(1, 3 * mm),
            p(_("What we found"), s["h3"]),
        ]
        found = _found(outcome)
        if answer.decision == SubjectDecision.NOTHING_FOUND or not found:
            story.append(
                p(
                    _(
                        "We searched our recorded calls, transcripts, cases, requests, copies "
                        "handed to others and evaluations with the details you gave us, and "
                        "found no personal data about you."
                    ),
                    body,
                )
            )
        else:
            story.append(p(_("About you we found:") + " " + "; ".join(found) + ".", body))
        done = _what_was_done(answer, outcome)
        if done:
            story += [Spacer(1, 3 * mm), p(_("What we did"), s["h3"])]
            story += [p(line, body) for line in done]
        story += [
            Spacer(1, 3 * mm),
            p(_("The deadline"), s["h3"]),
            p(_deadline(answer, outcome), body),
            Spacer(1, 3 * mm),
            p(
                _(
                    "If you do not agree with this answer, you may tell us, and you may complain "
                    "to the Dutch Data Protection Authority (Autoriteit Persoonsgegevens, "
                    "autoriteitpersoonsgegevens.nl)."
                ),
                body,
            ),
            Spacer(1, 6 * mm),
            p(_("Kind regards,"), body),
            p(
                _("The privacy officer of %(organisation)s") % {"organisation": organisation.name},
                body,
            ),
        ]
        return build(
            story,
            title=_("Answer to your request %(reference)s") % {"reference": request.reference},
            author=organisation.name,
        )


def letter_file_name(answer: SubjectAnswer) -> str:
    with translation.override(answer.language):
        word = _("answer")
    reference = answer.subject_request.reference or str(answer.subject_request_id)[:8]
    return f"{reference}-{word}.pdf"
