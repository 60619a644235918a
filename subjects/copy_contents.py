"""What a data subject's copy says (GDPR art. 15): everything found about the person, as one
plain structure that becomes the machine-readable JSON and the human-readable PDF.

Choices where the law leaves room (art. 15(4): the copy may not harm the rights of others):
- the employee on a call is another person: the copy names the role ("employee"), not the name;
- each listen names the listener, with role, time and purpose: they are the recipients of
  art. 15(1)(c), and "who listened" is what the person asked;
- an evaluation of a call judges the employee's work: the copy says that the call was evaluated
  (when, with which form, for which purpose), not the scores or the coach's comments;
- an access request about a call shows its purpose, kind, status and dates, not the staff's
  motivation (which mostly describes the employee's conduct); a case shows its kind, reference,
  dates, status, and the contact and description recorded for the person; only cases linked
  to the person's own calls, or found through their free text and ticked by the preparer (a
  number in a case's text may be in someone else's complaint), are in `findings.cases`;
- a disclosure names its recipient (police, the person themself) and date.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from access.listens import listens_of
from access.subject_audio import audio_may_leave
from recordings.constants import RecordingStatus
from recordings.models import Recording
from subjects.models import SubjectRequest

# Customer fields of a call that are the person's own data (shown in the copy when recorded).
CUSTOMER_FIELDS = (
    ("customer_phone", "phone"),
    ("customer_name", "name"),
    ("customer_address", "address"),
    ("customer_postcode", "postcode"),
    ("customer_bsn", "bsn"),
    ("customer_gender", "gender"),
)


def _local(moment: Any, zone: ZoneInfo) -> str:
    return timezone.localtime(moment, zone).isoformat(timespec="seconds") if moment else ""


def _items(findings: Any, name: str) -> list:
    items = getattr(findings, name, None)
    return list(items) if items is not None else []


def _call(recording: Recording, zone: ZoneInfo, listens: list, evaluations: list) -> dict:
    customer = {
        key: getattr(recording, field)
        for field, key in CUSTOMER_FIELDS
        if getattr(recording, field)
    }
    if recording.customer_date_of_birth:
        customer["date_of_birth"] = recording.customer_date_of_birth.isoformat()
    return {
        "id": str(recording.pk),
        "started_at": _local(recording.started_at, zone),
        "duration_seconds": round(recording.duration_seconds, 1),
        "direction": recording.direction,
        "direction_label": str(recording.get_direction_display()),
        "queue": recording.queue,
        "employee": _("employee") if recording.employee_id else "",
        "customer": customer,
        "announcement": recording.announcement,
        "under_legal_hold": recording.status == RecordingStatus.HELD,
        "erased_at_the_latest": (
            ""
            if recording.status == RecordingStatus.HELD
            else _local(recording.purge_deadline, zone)
        ),
        "audio_available": audio_may_leave(recording),
        "listens": [
            {
                "at": listen.at.isoformat(timespec="seconds"),
                "listener": listen.listener_name,
                "listener_role": listen.listener_role,
                "purpose_code": listen.purpose_code,
                "purpose": listen.purpose_description,
            }
            for listen in listens
        ],
        "evaluations": evaluations,
        "files": [],  # filled by the copy: the audio or the anonymised transcript
    }


def _evaluations(findings: Any, zone: ZoneInfo) -> dict[str, list]:
    by_call: dict[str, list] = {}
    for evaluation in _items(findings, "evaluations"):
        form = getattr(getattr(evaluation, "form_version", None), "form", None)
        by_call.setdefault(str(evaluation.recording_id), []).append(
            {
                "at": _local(evaluation.created_at, zone),
                "form": getattr(form, "name", ""),
                "purpose": str(getattr(evaluation, "purpose", "") or ""),
                "status": str(evaluation.get_status_display()),
            }
        )
    return by_call


def copy_contents(subject_request: SubjectRequest, findings: Any) -> dict:
    """The copy as plain data (dates in the organisation's zone, ISO 8601)."""
    organisation = subject_request.organisation
    zone = ZoneInfo(organisation.timezone)
    recordings = _items(findings, "recordings")
    listens = listens_of(organisation, [r.pk for r in recordings])
    own_calls = {str(r.pk) for r in recordings}
    evaluations = _evaluations(findings, zone)
    return {
        "organisation": organisation.name,
        "request": {
            "reference": subject_request.reference,
            "right": subject_request.right,
            "received_on": subject_request.received_on.isoformat(),
        },
        "made_at": _local(timezone.now(), zone),
        "choices": [
            _("The employee on a call is named by role only: another person's data."),
            _(
                "Every listen names the listener, the role, the time and the purpose: they "
                "are the recipients of the recording."
            ),
            _(
                "Evaluations of a call judge the employee's work: the copy says when and with "
                "which form a call was evaluated, not the scores or comments."
            ),
        ],
        "calls": [
            _call(r, zone, listens.get(str(r.pk), []), evaluations.get(str(r.pk), []))
            for r in recordings
        ],
        "cases": [
            {
                "reference": case.reference,
                "kind": str(case.get_kind_display()),
                "received_on": case.received_on.isoformat(),
                "received_via": str(case.get_received_via_display()),
                "contact": case.customer_contact,
                "description": case.description,
                "status": str(case.get_status_display()),
                "closed_at": _local(case.closed_at, zone),
            }
            for case in _items(findings, "cases")
        ],
        "access_requests": [
            {
                "created_at": _local(request.created_at, zone),
                "kind": str(request.get_kind_display()),
                "purpose": request.purpose.description,
                "status": str(request.get_status_display()),
                "case": request.case.reference if request.case_id else "",
                # Only the person's own calls: a request may name other people's calls too.
                "calls": [
                    str(pk)
                    for pk in request.recordings.values_list("pk", flat=True)
                    if str(pk) in own_calls
                ],
            }
            for request in _items(findings, "access_requests")
        ],
        "disclosures": [
            {
                "created_at": _local(disclosure.created_at, zone),
                "recipient": (
                    disclosure.recipient.name
                    if disclosure.recipient_id
                    else getattr(disclosure, "recipient_label", "")
                ),
                "contents": str(disclosure.get_contents_display())
                if hasattr(disclosure, "get_contents_display")
                else "",
                "link_until": _local(disclosure.expires_at, zone),
            }
            for disclosure in _items(findings, "disclosures")
        ],
        "earlier_requests": [
            {
                "reference": earlier.reference,
                "right": str(earlier.get_right_display()),
                "received_on": earlier.received_on.isoformat(),
                "decision": str(earlier.get_decision_display()) if earlier.decision else "",
            }
            for earlier in _items(findings, "subject_requests")
        ],
    }
