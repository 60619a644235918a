"""Disclosures: a copy for an outside recipient named in the register, after four eyes.

The copy is produced once, when the request is approved: one ZIP with the audio files and a
manifest, stored beside the audio under a random key, its SHA-256 and the recipient recorded.
The recipient gets a link by e-mail and, in a separate message, a one-time code; the link
works until it expires or is cancelled, every download is logged with time and address, and
the copy is deleted when the link ends. Nothing is attached to an e-mail.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import uuid
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import audit
from access.constants import DisclosureContents
from access.disclosure_copy import store_sealed_copy
from access.models import AccessRequest, Disclosure
from access.rules import rule_for
from access.subject_audio import read_whole_call
from organisations.models import Membership
from recordings.constants import RecordingStatus
from recordings.keystore import KeyUnavailable
from recordings.storage import audio_storage

logger = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 5
CODE_DIGITS = 8


class DisclosureError(Exception):
    """The message is for the person at the other end."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audio_files(request: AccessRequest) -> list[tuple[str, bytes]]:
    """The calls' audio as recorded (decrypted when sealed). A call that cannot be read refuses
    the approval (RequestError, which the decision page shows): no copy without all its calls."""
    from access.four_eyes import RequestError

    files = []
    for recording in request.recordings.order_by("started_at"):
        stamp = f"{recording.started_at:%Y%m%d-%H%M%S}"
        name = f"{stamp}-{recording.pk.hex[:8]}.{recording.container}"
        try:
            files.append((name, read_whole_call(recording)))
        except DisclosureError as error:
            raise RequestError(str(error)) from error
    return files


def _build_zip(files: list[tuple[str, bytes]]) -> bytes:
    """The files, stored as they are, with a SHA256SUMS the recipient can check them against."""
    buffer = io.BytesIO()
    lines = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name, data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
        archive.writestr("SHA256SUMS", "\n".join(lines) + "\n")
    return buffer.getvalue()


def _link_expiry(request: AccessRequest) -> Any:
    """The link's days from the policy, but never past a recording's own deadline: a copy on
    this server may not outlive the call it copies."""
    rule = rule_for(request.purpose)
    expires = timezone.now() + timedelta(days=rule.disclosure_link_days if rule else 7)
    for recording in request.recordings.exclude(status=RecordingStatus.HELD):
        expires = min(expires, recording.purge_deadline)
    return expires


def disclosure_produce(*, request: AccessRequest, actor: Any, ip_address: str | None) -> Disclosure:
    """The copy of an approved disclosure request: its calls' audio. Called inside the
    approving transaction."""
    from access.four_eyes import RequestError

    if Disclosure.objects.filter(request=request).exists():
        raise DisclosureError(_("This disclosure has already been produced."))
    try:
        return disclosure_share(
            organisation=request.organisation,
            files=_audio_files(request),
            recipient_email=request.recipient_email,
            recipient_label=request.recipient.name,
            purpose_code=request.purpose.code,
            contents=DisclosureContents.RECORDINGS,
            actor=actor,
            ip_address=ip_address,
            expires_at=_link_expiry(request),
            request=request,
            recipient=request.recipient,
        )
    except DisclosureError as error:  # the decision page shows it; the approval rolls back
        raise RequestError(str(error)) from error


def disclosure_share(
    *,
    organisation: Any,
    files: list[tuple[str, bytes]],
    recipient_email: str,
    recipient_label: str,
    purpose_code: str,
    contents: str,
    actor: Any,
    ip_address: str | None,
    expires_at: Any,
    request: AccessRequest | None = None,
    recipient: Any = None,
) -> Disclosure:
    """Hand a copy to someone outside: the files in one ZIP with their checksums, stored under
    a random key, a link by e-mail and the code that opens it in a second message.

    Call it inside the transaction that approved the copy (four eyes happen before, in the
    caller): the e-mails go once it commits, and a rollback deletes the stored copy."""
    if not files:
        raise DisclosureError(_("There is nothing to share."))
    if expires_at <= timezone.now():
        raise DisclosureError(_("The copy would expire before it could be downloaded."))
    content = _build_zip(files)
    key = f"disclosures/{organisation.pk}/{uuid.uuid4().hex}.zip"
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    disclosure_id = uuid.uuid4()
    try:
        # Sealed under the key of the day the link ends (access/disclosure_copy.py).
        sealed_copy = store_sealed_copy(
            organisation=organisation,
            disclosure_id=disclosure_id,
            name=key,
            content=content,
            expires_at=expires_at,
        )
    except (KeyUnavailable, OSError) as error:
        logger.error("disclosure copy not stored: %s", error)
        raise DisclosureError(
            _("The copy could not be stored encrypted (the key store failed); try again later.")
        ) from error
    stored = sealed_copy["storage_key"]
    try:
        disclosure = Disclosure.objects.create(
            id=disclosure_id,
            **sealed_copy,
            request=request,
            organisation=organisation,
            recipient=recipient,
            recipient_label=recipient_label[:200],
            recipient_email=recipient_email,
            purpose_code=purpose_code,
            contents=contents,
            created_by=actor if getattr(actor, "pk", None) else None,
            token_hash=token_digest(token),
            code_hash=make_password(code),
            sha256=hashlib.sha256(content).hexdigest(),
            size_bytes=len(content),
            expires_at=expires_at,
        )
        audit.record(
            actor=actor,
            action="access.disclosure.produced",
            organisation=organisation,
            target=disclosure,
            purpose=purpose_code,
            detail={
                "request": str(request.pk) if request is not None else "",
                "recipient": recipient.name[:100] if recipient is not None else "",
                "contents": contents,
                "files": len(files),
                "sha256": disclosure.sha256,
                "size_bytes": disclosure.size_bytes,
            },
            ip_address=ip_address,
        )
    except BaseException:
        # The approval rolls back with this error: the copy must not stay behind.
        audio_storage().delete(stored)
        raise
    transaction.on_commit(lambda: _send_link_and_code(disclosure, token, code))
    return disclosure


def _send_link_and_code(disclosure: Disclosure, token: str, code: str) -> None:
    link = settings.BASE_URL + reverse("disclosure_open", kwargs={"token": token})
    with translation.override(settings.LANGUAGE_CODE):
        organisation = disclosure.organisation.name
        if disclosure.contents == DisclosureContents.RECORDINGS:
            subject = _("%(organisation)s shares a recording with you")
            what = _("a copy of one or more call recordings")
            code_subject = _("Your code for the recording of %(organisation)s")
        else:
            subject = _("%(organisation)s shares a copy with you")
            what = disclosure.get_contents_display().lower()
            code_subject = _("Your code for the copy from %(organisation)s")
        send_mail(
            subject % {"organisation": organisation},
            _(
                "%(organisation)s makes %(what)s available to you. "
                "Download it here until %(expires)s:\n%(link)s\n\nThe page asks for a code; you "
                "receive it in a separate message.\n"
            )
            % {
                "organisation": organisation,
                "what": what,
                "expires": timezone.localtime(disclosure.expires_at).strftime("%d-%m-%Y %H:%M"),
                "link": link,
            },
            None,
            [disclosure.recipient_email],
        )
        send_mail(
            code_subject % {"organisation": organisation},
            _("The code that opens the download link you received separately: %(code)s\n")
            % {"code": code},
            None,
            [disclosure.recipient_email],
        )


def disclosure_for_token(token: str) -> Disclosure | None:
    return (
        Disclosure.objects.select_related("organisation")
        .filter(token_hash=token_digest(token))
        .first()
    )


def disclosure_check_code(*, disclosure: Disclosure, code: str, ip_address: str | None) -> bool:
    """True when the code is right. After MAX_CODE_ATTEMPTS wrong codes the link is closed.

    The disclosure's row is locked while the code is checked and a wrong one counted, so
    parallel guesses queue: at most MAX_CODE_ATTEMPTS are ever counted (and logged), and a
    guess that arrives after the last one finds the link closed. `disclosure` is given the
    count as it stands afterwards."""
    with transaction.atomic():
        locked = (
            Disclosure.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=disclosure.pk)
        )
        disclosure.failed_code_attempts = locked.failed_code_attempts
        if not locked.is_open or locked.failed_code_attempts >= MAX_CODE_ATTEMPTS:
            return False
        if check_password((code or "").strip(), locked.code_hash):
            return True
        locked.failed_code_attempts += 1
        locked.save(update_fields=["failed_code_attempts"])
        disclosure.failed_code_attempts = locked.failed_code_attempts
        disclosure_record_event(
            locked,
            "access.disclosure.code_failed",
            detail={"attempts": locked.failed_code_attempts},
            ip_address=ip_address,
        )
    return False


def disclosure_record_download(*, disclosure: Disclosure, ip_address: str | None) -> None:
    Disclosure.objects.filter(pk=disclosure.pk).update(downloads=F("downloads") + 1)
    disclosure_record_event(
        disclosure,
        "access.disclosure.downloaded",
        detail={"recipient": disclosure.recipient.name[:100] if disclosure.recipient_id else ""},
        ip_address=ip_address,
    )


def disclosure_record_event(
    disclosure: Disclosure,
    action: str,
    *,
    actor: Any = None,
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> None:
    """An event on a disclosure in its organisation's trail: its purpose, and the request it
    came from (after the event's own `detail`)."""
    audit.record(
        actor=actor,
        action=action,
        organisation=disclosure.organisation,
        target=disclosure,
        purpose=disclosure.purpose_code,
        detail={**(detail or {}), "request": str(disclosure.request_id or "")},
        ip_address=ip_address,
    )


def delete_copy(disclosure: Disclosure) -> None:
    """Delete the handed-over copy and confirm it is gone; DisclosureError when it is not."""
    storage = audio_storage()
    key = disclosure.storage_key
    # An empty key names no copy (and to a file system it would name the storage's root).
    if key and storage.exists(key):
        storage.delete(key)
    if key and storage.exists(key):
        raise DisclosureError(_("The copy could not be deleted; it will be tried again."))
    disclosure.copy_deleted_at = timezone.now()
    disclosure.save(update_fields=["copy_deleted_at"])


# Who may stop a link that no access request approved: besides its creator, holders of the
# permission for what it holds (a data subject's copy: whoever handles their requests).
CANCEL_PERMISSIONS = {
    DisclosureContents.SUBJECT_COPY: "handle_subject_requests",
}


def _cancel_refusal(membership: Membership, disclosure: Disclosure) -> str | None:
    from access.four_eyes import decision_refusal

    if disclosure.created_by_id == membership.user_id:
        return None
    if disclosure.request is not None:
        if disclosure.request.requester_id == membership.user_id:
            return None
        return decision_refusal(membership, disclosure.request)
    permission = CANCEL_PERMISSIONS.get(disclosure.contents)
    if permission and membership.user.has_perm(
        f"organisations.{permission}", membership.organisation
    ):
        return None
    return _("Only the person who shared this copy can cancel its link.")


@transaction.atomic
def disclosure_cancel(
    *, membership: Membership, disclosure_id: Any, ip_address: str | None
) -> Disclosure:
    """The requester or an approver of the purpose stops the link and deletes the copy."""
    from access.four_eyes import RequestError

    disclosure = (
        Disclosure.objects.select_for_update(of=("self",))
        .select_related("request", "organisation")
        .filter(pk=disclosure_id, organisation=membership.organisation_id)
        .first()
    )
    if disclosure is None:
        raise RequestError(_("No such disclosure."))
    refusal = _cancel_refusal(membership, disclosure)
    if refusal:
        raise RequestError(refusal)
    if disclosure.cancelled_at is not None:
        raise RequestError(_("This link has already been cancelled."))
    disclosure.cancelled_at = timezone.now()
    disclosure.save(update_fields=["cancelled_at"])
    delete_copy(disclosure)
    disclosure_record_event(
        disclosure, "access.disclosure.cancelled", actor=membership.user, ip_address=ip_address
    )
    return disclosure


def disclosures_expire() -> int:
    """Delete the copies of links that ended (hourly from beat). Returns how many."""
    ended = Disclosure.objects.filter(copy_deleted_at__isnull=True).filter(
        Q(expires_at__lte=timezone.now()) | Q(cancelled_at__isnull=False)
    )
    count = 0
    for disclosure in ended.select_related("organisation"):
        delete_copy(disclosure)
        disclosure_record_event(disclosure, "access.disclosure.copy_deleted")
        count += 1
    return count
