"""The key that signs the trail's checkpoints. It lives in a file outside the database (and
its backups): EARSHOT_AUDIT_SIGNING_KEY_FILE, an Ed25519 private key as PEM (PKCS#8) or as
its 32 raw bytes. Verifying needs only public keys: the signing key's own, and any in
EARSHOT_AUDIT_VERIFY_KEY_FILE (PEM, one or more; for an auditor without the private key, or
the public keys of earlier signing keys after a rotation)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

_PEM_BLOCK = re.compile(rb"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)


class SigningKeyError(Exception):
    """No usable key: the message says which file and why."""


def _read(path: str, setting: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SigningKeyError(f"{setting} points to {path!r}: {error.strerror}") from error


def private_key_from(data: bytes, path: str) -> Ed25519PrivateKey:
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(data, password=None)
        elif len(data) == 32:
            key = Ed25519PrivateKey.from_private_bytes(data)
        else:
            raise ValueError("neither PEM nor 32 raw bytes")
    except (ValueError, TypeError) as error:
        raise SigningKeyError(
            f"EARSHOT_AUDIT_SIGNING_KEY_FILE {path!r} holds no Ed25519 private key: {error}"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"EARSHOT_AUDIT_SIGNING_KEY_FILE {path!r} is not an Ed25519 key")
    return key


def _publics_from(data: bytes, path: str) -> list[Ed25519PublicKey]:
    keys = []
    blocks = _PEM_BLOCK.findall(data) or ([data] if len(data) == 32 else [])
    for block in blocks:
        try:
            if len(block) == 32:
                key = Ed25519PublicKey.from_public_bytes(block)
            else:
                key = serialization.load_pem_public_key(block)
        except (ValueError, TypeError) as error:
            raise SigningKeyError(
                f"EARSHOT_AUDIT_VERIFY_KEY_FILE {path!r} holds a key that cannot be read: {error}"
            ) from error
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"EARSHOT_AUDIT_VERIFY_KEY_FILE {path!r}: not an Ed25519 key")
        keys.append(key)
    if not keys:
        raise SigningKeyError(f"EARSHOT_AUDIT_VERIFY_KEY_FILE {path!r} holds no public key")
    return keys


def signing_key() -> Ed25519PrivateKey:
    path = settings.AUDIT_SIGNING_KEY_FILE
    if not path:
        raise SigningKeyError(
            "EARSHOT_AUDIT_SIGNING_KEY_FILE is not set: no checkpoint can be signed."
        )
    return private_key_from(_read(path, "EARSHOT_AUDIT_SIGNING_KEY_FILE"), path)


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """Every public key that may have signed a checkpoint, by key id."""
    keys: list[Ed25519PublicKey] = []
    if settings.AUDIT_SIGNING_KEY_FILE:
        keys.append(signing_key().public_key())
    path = settings.AUDIT_VERIFY_KEY_FILE
    if path:
        keys.extend(_publics_from(_read(path, "EARSHOT_AUDIT_VERIFY_KEY_FILE"), path))
    return {key_id(key): key for key in keys}


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def sign(message: bytes) -> tuple[str, str]:
    """(key id, base64 signature) of message."""
    key = signing_key()
    return key_id(key.public_key()), base64.b64encode(key.sign(message)).decode()


def signature_valid(message: bytes, *, key: Ed25519PublicKey, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def key_generate(path: Path) -> Ed25519PrivateKey:
    """Write a new private key as PEM, readable by its owner only; never overwrites."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    return key
