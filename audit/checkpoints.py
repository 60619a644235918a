"""Signed checkpoints of each chain head, kept where a database writer cannot change them.

A checkpoint is a statement (chain, organisation, last sequence, last hash, when, and for a
prune the first sequence kept and the hash before it) signed with the Ed25519 key of
audit/signing.py. It is appended as one JSON line to EARSHOT_AUDIT_CHECKPOINT_DIR/
checkpoints.jsonl (opened with O_APPEND, never rewritten), and copied into the database only
for display. Verification reads the file store (and any copies an auditor kept), never the copy.

Written hourly by beat, at the end of every purge run, before every prune, and by
`manage.py audit_checkpoint`.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from audit.models import SYSTEM_CHAIN, AuditChain, AuditCheckpoint
from audit.object_store import object_store_put
from audit.signing import SigningKeyError, sign, signature_valid, verify_keys

FORMAT = "earshot-audit-checkpoint/1"
FILE_NAME = "checkpoints.jsonl"


class CheckpointError(Exception):
    """A checkpoint could not be signed or stored; the message says why."""


class Kind:
    SCHEDULED = "scheduled"
    PURGE = "purge"
    COMMAND = "command"
    PRUNE = "prune"
    RESTORE = "restore"


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint whose signature verified."""

    chain: str
    kind: str
    last_sequence: int
    last_hash: str
    signed_at: datetime
    first_retained_sequence: int | None = None
    hash_before_first_retained: str | None = None
    # A checkpoint after a database restore: the chain ended at this sequence when restored;
    # checkpoints signed before it that vouch for later sequences (events the restore lost)
    # no longer count.
    restored_sequence: int | None = None
    source: str = ""

    def when(self) -> str:
        return timezone.localtime(self.signed_at).strftime("%Y-%m-%d %H:%M:%S %Z")


@dataclass
class CheckpointSet:
    by_chain: dict[str, list[Checkpoint]] = field(default_factory=lambda: defaultdict(list))
    # Lines that do not verify: (chain named in the line, or None when unreadable, problem).
    problems: list[tuple[str | None, str]] = field(default_factory=list)


def canonical(statement: dict[str, Any]) -> bytes:
    """The bytes that are signed: the statement as sorted, compact JSON (as audit/hashing.py)."""
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def store_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _organisation_of(key: str) -> int | None:
    if key == SYSTEM_CHAIN:
        return None
    return int(key.split(":", 1)[1])


def _store_append(line: str) -> None:
    path = store_path()
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # one whole line per writer, even across processes
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint_write(
    *,
    key: str,
    kind: str,
    prune: tuple[int, str] | None = None,
    restored_sequence: int | None = None,
) -> AuditCheckpoint:
    """Sign the chain's current head and store it; `prune` is (first sequence kept, hash of the
    event before it) when the checkpoint precedes a prune."""
    head = AuditChain.objects.filter(key=key).first()
    if head is None:
        raise CheckpointError(f"there is no audit chain {key!r}")
    statement = {
        "format": FORMAT,
        "chain": key,
        "organisation": _organisation_of(key),
        "kind": kind,
        "last_sequence": head.last_sequence,
        "last_hash": head.last_hash,
        "signed_at": timezone.now().isoformat(timespec="microseconds"),
        "first_retained_sequence": prune[0] if prune else None,
        "hash_before_first_retained": prune[1] if prune else None,
    }
    if restored_sequence is not None:
        statement["restored_sequence"] = restored_sequence
    try:
        key_id, signature = sign(canonical(statement))
    except SigningKeyError as error:
        raise CheckpointError(str(error)) from error
    line = json.dumps(
        {"statement": statement, "key_id": key_id, "signature": signature},
        sort_keys=True,
        separators=(",", ":"),
    )
    try:
        _store_append(line)
    except OSError as error:
        raise CheckpointError(f"cannot append to {store_path()}: {error}") from error
    copy = AuditCheckpoint.objects.create(
        chain=key,
        organisation_id=statement["organisation"],
        kind=kind,
        last_sequence=head.last_sequence,
        last_hash=head.last_hash,
        first_retained_sequence=statement["first_retained_sequence"],
        signed_at=datetime.fromisoformat(statement["signed_at"]),
        key_id=key_id,
        line=line,
    )
    try:
        object_store_put(statement, line)
    except (BotoCoreError, ClientError) as error:
        raise CheckpointError(
            f"checkpoint stored in {store_path()} but not in the object store: {error}"
        ) from error
    return copy


def checkpoints_write(*, kind: str, keys: list[str] | None = None) -> list[AuditCheckpoint]:
    """A checkpoint of every chain (or the given ones) whose head moved since its last one."""
    heads = AuditChain.objects.order_by("key")
    if keys is not None:
        heads = heads.filter(key__in=keys)
    written = []
    for head in heads:
        last = AuditCheckpoint.objects.filter(chain=head.key).order_by("-signed_at").first()
        if (
            kind == Kind.SCHEDULED
            and last is not None
            and (last.last_sequence, last.last_hash) == (head.last_sequence, head.last_hash)
        ):
            continue
        written.append(checkpoint_write(key=head.key, kind=kind))
    return written


def store_lines(*, key: str | None = None, extra: Iterable[Path] = ()) -> Iterator[tuple[str, str]]:
    """(where, line) of every stored line, optionally only those naming chain `key`."""
    for path in [store_path(), *extra]:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", errors="replace") as file:
            for number, line in enumerate(file, start=1):
                line = line.strip()
                if not line:
                    continue
                if key is not None and _chain_named(line) != key:
                    continue
                yield f"{path.name}:{number}", line


def _chain_named(line: str) -> str | None:
    try:
        chain = json.loads(line)["statement"]["chain"]
    except (ValueError, KeyError, TypeError):
        return None
    return chain if isinstance(chain, str) else None


class Problem(str):
    """A problem with the checkpoints: English as a string (the command, the logs), and
    `translated()` in the active language (the audit-trail page)."""

    text: str
    params: dict[str, Any]

    def __new__(cls, text: str, **params: Any) -> Problem:
        problem = super().__new__(cls, text % params)
        problem.text, problem.params = text, params
        return problem

    def translated(self) -> str:
        return gettext(self.text) % self.params


def translated(problem: str) -> str:
    return problem.translated() if isinstance(problem, Problem) else problem


def checkpoint_parse(
    where: str, line: str, keys: dict
) -> tuple[Checkpoint | None, str | None, str]:
    """(checkpoint, chain, problem): a verified checkpoint, or the problem with the line."""
    try:
        document = json.loads(line)
        statement, key_id, signature = (
            document["statement"],
            document["key_id"],
            document["signature"],
        )
        chain = statement["chain"]
    except (ValueError, KeyError, TypeError):
        return (
            None,
            None,
            Problem(
                gettext_noop("checkpoint %(where)s cannot be read: it was altered or forged"),
                where=where,
            ),
        )
    public = keys.get(key_id)
    if public is None:
        return (
            None,
            chain,
            Problem(
                gettext_noop(
                    "checkpoint %(where)s is signed by an unknown key %(key)s (forged, or the "
                    "verify key is missing)"
                ),
                where=where,
                key=repr(key_id),
            ),
        )
    if not signature_valid(canonical(statement), key=public, signature=signature):
        return (
            None,
            chain,
            Problem(
                gettext_noop(
                    "checkpoint %(where)s: the signature does not verify (forged or altered)"
                ),
                where=where,
            ),
        )
    try:
        checkpoint = Checkpoint(
            chain=chain,
            kind=str(statement["kind"]),
            last_sequence=int(statement["last_sequence"]),
            last_hash=str(statement["last_hash"]),
            signed_at=datetime.fromisoformat(statement["signed_at"]),
            first_retained_sequence=statement.get("first_retained_sequence"),
            hash_before_first_retained=statement.get("hash_before_first_retained"),
            restored_sequence=statement.get("restored_sequence"),
            source=where,
        )
    except (KeyError, TypeError, ValueError):
        return (
            None,
            chain,
            Problem(gettext_noop("checkpoint %(where)s is signed but not understood"), where=where),
        )
    return checkpoint, chain, ""


def checkpoints_load(*, extra: Iterable[Path] = ()) -> CheckpointSet:
    """Every checkpoint in the file store (and in `extra` files, e.g. an auditor's copies),
    verified against the public keys; duplicates (the same line in two files) count once."""
    loaded = CheckpointSet()
    lines = list(store_lines(extra=extra))
    if not lines:
        return loaded
    try:
        keys = verify_keys()
    except SigningKeyError as error:
        loaded.problems.append(
            (
                None,
                Problem(
                    gettext_noop("checkpoints cannot be verified: %(error)s"), error=str(error)
                ),
            )
        )
        return loaded
    if not keys:
        loaded.problems.append(
            (
                None,
                Problem(
                    gettext_noop(
                        "checkpoints cannot be verified: no signing or verify key is configured"
                    )
                ),
            )
        )
        return loaded
    seen = set()
    for where, line in lines:
        if line in seen:
            continue
        seen.add(line)
        checkpoint, chain, problem = checkpoint_parse(where, line, keys)
        if checkpoint is not None:
            loaded.by_chain[checkpoint.chain].append(checkpoint)
        else:
            loaded.problems.append((chain, problem))
    return loaded


def checkpoints_after_restore(*, keys: list[str] | None = None) -> list[AuditCheckpoint]:
    """After the database was restored from a backup: record on each chain how far its signed
    checkpoints went beyond the restored head, then sign the restored state (Kind.RESTORE)."""
    from audit.services import audit_record
    from organisations.models import Organisation

    loaded = checkpoints_load()
    heads = AuditChain.objects.order_by("key")
    if keys is not None:
        heads = heads.filter(key__in=keys)
    written = []
    for head in heads:
        restored = head.last_sequence
        beyond = [
            c.last_sequence for c in loaded.by_chain.get(head.key, []) if c.last_sequence > restored
        ]
        organisation_id = _organisation_of(head.key)
        organisation = (
            Organisation.objects.filter(pk=organisation_id).first()
            if organisation_id is not None
            else None
        )
        with transaction.atomic():  # no event without its signed checkpoint
            audit_record(
                actor=None,
                action="audit.trail.restored",
                organisation=organisation,
                detail={
                    "restored_sequence": restored,
                    "checkpoints_went_to": max(beyond, default=None),
                },
            )
            written.append(
                checkpoint_write(key=head.key, kind=Kind.RESTORE, restored_sequence=restored)
            )
    return written
