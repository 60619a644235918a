"""Find everything the organisation holds about the person a data subject request is about.

Calls are found by the keyed digests of their phone number, BSN, customer number and name
(the indexes on recordings, organisation first, so the search never scans the calls); from
those calls follow their transcripts, cases, access requests, disclosures and evaluations.
Cases are also found by the identifiers in their free text (contact and description): cases
are few, so they are normalised at search time rather than indexed. Only a case linked to one of
the person's own calls is certain; a case found through its free text alone is reported as
`case_text`, for the privacy officer to judge (a number in a complaint may be a neighbour's, a
shared family phone's), and goes into a copy only when ticked. Earlier requests of the
same person are found by the digests of their identifiers. Only ever in the request's
organisation. Tombstones (calls the purge erased) hold nothing about anyone any more and are
not found.

Names are not unique. A call found by the name alone, or a call found by a phone number, BSN
or customer number that carries another person's name, BSN or customer number (a shared
phone, a typing error), is not included but reported as `ambiguous`, for the privacy officer
to judge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from access.models import AccessRequest, Case, Disclosure
from recordings import identifiers as ids
from recordings.constants import RecordingStatus
from recordings.models import Recording
from subjects.constants import IdentifierKind
from subjects.models import SubjectIdentifier, SubjectRequest

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGIT_RUN = re.compile(r"(?<![\d])\d[\d .-]{6,12}\d(?![\d])")


@dataclass
class AmbiguousNote:
    """Items an identifier points at that may be someone else's."""

    reason: str  # "name_only", "other_person" or "case_text"
    message: str
    recordings: list = field(default_factory=list)
    cases: list = field(default_factory=list)


@dataclass
class SubjectFindings:
    recordings: QuerySet
    transcripts: Any  # a QuerySet, or [] while the transcripts app has no model
    cases: QuerySet
    access_requests: QuerySet
    disclosures: QuerySet
    evaluations: Any
    subject_requests: QuerySet
    ambiguous: list[AmbiguousNote] = field(default_factory=list)

    @property
    def nothing_found(self) -> bool:
        return not (
            self.recordings.exists()
            or self.cases.exists()
            or self.disclosures.exists()
            or self.access_requests.exists()
            or self.subject_requests.exists()
            or bool(self.ambiguous)
        )

    def counts(self) -> dict[str, int]:
        """For the audit event and the page: numbers only."""

        def count(items: Any) -> int:
            return (
                items.count()
                if hasattr(items, "count") and not isinstance(items, list)
                else len(items)
            )

        return {
            "recordings": count(self.recordings),
            "transcripts": count(self.transcripts),
            "cases": count(self.cases),
            "access_requests": count(self.access_requests),
            "disclosures": count(self.disclosures),
            "evaluations": count(self.evaluations),
            "subject_requests": count(self.subject_requests),
            "ambiguous": sum(len(n.recordings) + len(n.cases) for n in self.ambiguous),
        }


def _digests(subject_request: SubjectRequest) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for identifier in subject_request.identifiers.all():
        found[identifier.kind].add(identifier.digest)
    return found


_CALL_FIELDS = (
    "pk",
    "customer_phone_digest",
    "customer_bsn_digest",
    "customer_name_digest",
    "customer_number_digest",
)


def _calls_by(organisation_id: Any, column: str, digests: set[str]) -> list:
    if not digests:
        return []
    return list(
        Recording.objects.filter(organisation=organisation_id, **{f"{column}__in": digests})
        .exclude(status=RecordingStatus.PURGED)
        .only(*_CALL_FIELDS)
    )


def _conflicts(calls_by_identifier: dict[str, list], column: str, own: set[str]) -> set:
    """Calls that carry another person's value in `column` (a name or BSN digest): one not
    among the request's own values; where the request gives none, any call of an identifier
    whose calls carry more than one value (two people share it, no telling which is ours)."""
    conflicting = set()
    for calls in calls_by_identifier.values():
        values = {getattr(call, column) for call in calls} - {None}
        for call in calls:
            value = getattr(call, column)
            if value is None:
                continue
            if (own and value not in own) or (not own and len(values) > 1):
                conflicting.add(call.pk)
    return conflicting


def _match_calls(subject_request: SubjectRequest, digests: dict[str, set[str]]):
    org = subject_request.organisation_id
    by_identifier: dict[str, list] = {}
    for digest in digests.get(IdentifierKind.PHONE, ()):
        by_identifier[digest] = _calls_by(org, "customer_phone_digest", {digest})
    for digest in digests.get(IdentifierKind.BSN, ()):
        by_identifier[digest] = _calls_by(org, "customer_bsn_digest", {digest})
    for digest in digests.get(IdentifierKind.CUSTOMER_NUMBER, ()):
        by_identifier[digest] = _calls_by(org, "customer_number_digest", {digest})
    strong = {call.pk for calls in by_identifier.values() for call in calls}
    other_person = set()
    for column, kind in (
        ("customer_name_digest", IdentifierKind.NAME),
        ("customer_bsn_digest", IdentifierKind.BSN),
        ("customer_number_digest", IdentifierKind.CUSTOMER_NUMBER),
    ):
        other_person |= _conflicts(by_identifier, column, digests.get(kind, set()))
    named = _calls_by(org, "customer_name_digest", digests.get(IdentifierKind.NAME, set()))
    name_only = {call.pk for call in named} - strong
    return strong - other_person, other_person, name_only


def _words(text: str) -> str:
    """Casefolded words with punctuation around them removed, one space apart."""
    cleaned = re.sub(r"[,;:()\[\]<>\"!?]", " ", text)
    words = (word.strip(".'") for word in ids.normalise_name(cleaned).split())
    return " " + " ".join(word for word in words if word) + " "


@dataclass(frozen=True)
class _CaseNeedles:
    """What to look for in a case's free text: the digests of phone numbers, e-mail addresses
    and BSNs (found in the text and hashed), and the names and customer numbers as normalised
    words (from what the request shows of them), so a long text costs one pass each."""

    digests: dict
    names: tuple
    numbers: tuple


def _case_needles(subject_request: SubjectRequest, digests: dict[str, set[str]]) -> _CaseNeedles:
    names, numbers = [], []
    for identifier in subject_request.identifiers.all():
        if identifier.kind == IdentifierKind.NAME:
            names.append(_words(identifier.display))
        elif identifier.kind == IdentifierKind.CUSTOMER_NUMBER:
            numbers.append(_words(identifier.display))
    return _CaseNeedles(
        digests, tuple(n for n in names if n.strip()), tuple(n for n in numbers if n.strip())
    )


def _case_text_matches(text: str, needles: _CaseNeedles) -> tuple[bool, bool]:
    """(strong, by name only) for one case's free text."""
    digests = needles.digests
    found = {IdentifierKind.PHONE: set(), IdentifierKind.EMAIL: set(), IdentifierKind.BSN: set()}
    if digests.get(IdentifierKind.PHONE):
        for match in phonenumbers.PhoneNumberMatcher(text, "NL"):
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            found[IdentifierKind.PHONE].add(ids.digest_normalised(ids.PHONE, e164))
    if digests.get(IdentifierKind.EMAIL):
        for email in _EMAIL.findall(text):
            found[IdentifierKind.EMAIL].add(ids.identifier_digest(ids.EMAIL, email))
    if digests.get(IdentifierKind.BSN):
        for run in _DIGIT_RUN.findall(text):
            digits = re.sub(r"\D", "", run)
            if len(digits) in (8, 9):
                digest = ids.optional_digest(ids.BSN, digits)
                if digest:
                    found[IdentifierKind.BSN].add(digest)
    words = _words(text) if needles.names or needles.numbers else ""
    strong = any(found[kind] & digests.get(kind, set()) for kind in found) or any(
        number in words for number in needles.numbers
    )
    by_name = any(name in words for name in needles.names)
    return strong, by_name and not strong


def _match_cases(subject_request: SubjectRequest, digests: dict[str, set[str]]):
    strong, name_only = set(), set()
    needles = _case_needles(subject_request, digests)
    texts = (
        Case.objects.filter(organisation=subject_request.organisation_id)
        .filter(~Q(customer_contact="") | ~Q(description=""))
        .values_list("pk", "customer_contact", "description")
    )
    for pk, contact, description in texts.iterator(chunk_size=500):
        is_strong, by_name = _case_text_matches(f"{contact}\n{description}", needles)
        if is_strong:
            strong.add(pk)
        elif by_name:
            name_only.add(pk)
    return strong, name_only


def _transcripts(recording_ids: set) -> Any:
    """Transcripts of the calls, if the transcripts app has its model yet."""
    try:
        transcript_model = apps.get_model("transcripts", "Transcript")
    except LookupError:
        return []
    return transcript_model.objects.filter(recording__in=recording_ids)


def _evaluations(organisation_id: Any, recording_ids: set) -> Any:
    try:
        evaluation_model = apps.get_model("coaching", "Evaluation")
    except LookupError:
        return []
    return evaluation_model.objects.filter(
        organisation=organisation_id, recording__in=recording_ids
    )


# Earlier requests are found by what identifies one person; a name alone does not.
_EARLIER_BY = (
    IdentifierKind.PHONE,
    IdentifierKind.BSN,
    IdentifierKind.CUSTOMER_NUMBER,
    IdentifierKind.EMAIL,
)
_EARLIER_CONFLICTS = (IdentifierKind.NAME, IdentifierKind.BSN, IdentifierKind.CUSTOMER_NUMBER)


def _earlier_request_ids(organisation_id: Any, digests: dict[str, set[str]]) -> set:
    """Earlier requests of the person: matched by a phone number, BSN, customer number or
    e-mail address, never by the name alone, and not when they carry another name, BSN or
    customer number than this request gives (a shared phone or a representative's e-mail is
    no proof that it was the same person: the copy may not show another person's request)."""
    match = Q(pk__in=[])
    for kind in _EARLIER_BY:
        if digests.get(kind):
            match |= Q(kind=kind, digest__in=digests[kind])
    found = set(
        SubjectIdentifier.objects.filter(match, request__organisation=organisation_id)
        .values_list("request_id", flat=True)
        .distinct()
    )
    for kind in _EARLIER_CONFLICTS:
        own = digests.get(kind)
        if not own or not found:
            continue
        carried = defaultdict(set)
        for request_id, digest in SubjectIdentifier.objects.filter(
            request__in=found, kind=kind
        ).values_list("request_id", "digest"):
            carried[request_id].add(digest)
        found -= {request_id for request_id, values in carried.items() if not values & own}
    return found


def find_subject_data(subject_request: SubjectRequest) -> SubjectFindings:
    org = subject_request.organisation_id
    digests = _digests(subject_request)
    call_ids, other_person, name_only_calls = _match_calls(subject_request, digests)
    strong_cases, name_only_cases = _match_cases(subject_request, digests)
    linked_cases = set(
        Case.recordings.through.objects.filter(
            recording_id__in=call_ids, case__organisation=org
        ).values_list("case_id", flat=True)
    )
    case_ids = linked_cases
    text_cases = strong_cases - case_ids
    name_only_cases -= case_ids | text_cases
    access_requests = (
        AccessRequest.objects.filter(organisation=org)
        .filter(Q(recordings__in=call_ids) | Q(case__in=case_ids))
        .distinct()
    )
    emails = [
        identifier.display
        for identifier in subject_request.identifiers.all()
        if identifier.kind == IdentifierKind.EMAIL
    ]
    email_match = Q(pk__in=[])
    for email in emails:
        email_match |= Q(recipient_email__iexact=email)
    disclosures = Disclosure.objects.filter(organisation=org).filter(
        Q(request__in=access_requests.values("pk")) | email_match
    )
    earlier = SubjectRequest.objects.filter(organisation=org).exclude(pk=subject_request.pk)
    earlier_ids = _earlier_request_ids(org, digests)
    ambiguous = []
    if name_only_calls or name_only_cases:
        ambiguous.append(
            AmbiguousNote(
                reason="name_only",
                message=_(
                    "These carry the person's name but none of the request's other "
                    "identifiers. Names are not unique: judge whether they are about this "
                    "person before including them."
                ),
                recordings=list(
                    Recording.objects.filter(pk__in=name_only_calls).order_by("-started_at")
                ),
                cases=list(Case.objects.filter(pk__in=name_only_cases)),
            )
        )
    if text_cases:
        ambiguous.append(
            AmbiguousNote(
                reason="case_text",
                message=_(
                    "A phone number, e-mail address, BSN or customer number of the request "
                    "appears in the text of these cases, but they are not linked to the "
                    "person's calls: a case may be someone else's complaint that mentions "
                    "the number. Judge whether they are about this person."
                ),
                cases=list(Case.objects.filter(pk__in=text_cases).order_by("-received_on")),
            )
        )
    if other_person:
        ambiguous.append(
            AmbiguousNote(
                reason="other_person",
                message=_(
                    "A phone number, BSN or customer number of the request is also on these "
                    "calls, but they carry another name, BSN or customer number: the "
                    "identifier seems to belong to more than one person. Judge whether they "
                    "are about this person."
                ),
                recordings=list(
                    Recording.objects.filter(pk__in=other_person).order_by("-started_at")
                ),
            )
        )
    return SubjectFindings(
        recordings=Recording.objects.filter(pk__in=call_ids).order_by("-started_at", "-id"),
        transcripts=_transcripts(call_ids),
        cases=Case.objects.filter(pk__in=case_ids).order_by("-received_on"),
        access_requests=access_requests,
        disclosures=disclosures.order_by("-created_at"),
        evaluations=_evaluations(org, call_ids),
        subject_requests=earlier.filter(pk__in=earlier_ids)
        .exclude(status="unconfirmed")
        .order_by("-received_on"),
        ambiguous=ambiguous,
    )


def subject_request_search(
    *, membership: Any, subject_request: SubjectRequest, ip_address: str | None = None
) -> SubjectFindings:
    """find_subject_data for a member, logged: the event names the request and the numbers
    found, never the identifiers searched for."""
    import audit

    findings = find_subject_data(subject_request)
    audit.record(
        actor=membership.user,
        action="subjects.request.searched",
        organisation=membership.organisation,
        target=subject_request,
        detail=findings.counts(),
        ip_address=ip_address,
    )
    return findings
