"""Answers only their member can make: what is signed, and how a signature is checked.

A participant's signing key (Ed25519) is made on its own device, the browser (WebCrypto) or
the Python client (`cryptography`); the server only ever holds the public half. An answer in
a consent round or an editorial notice is signed over `answer_message(...)`: the report, the
amendment, the round (when it opened), the SHA-256 of the wording answered on, the answer and
its reason. So a signature cannot be replayed on another amendment, another round, another
wording or another answer. A key replaced without the old key's endorsement (a new
invitation: a lost device, or someone else holding the code) is on the record for every
member to see (`key.registered`, origin `replaced`).

A leaf: the server, the client, the CLI and `plenary verify` share these few functions, and
the web client builds the same bytes (app/static/app/signing.js)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from datetime import datetime
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
MESSAGE_VERSION = "plenary.answer.v1"
ENDORSEMENT_VERSION = "plenary.key.v1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """Raises ValueError on anything that is not unpadded base64url."""
    if _B64URL.fullmatch(text) is None:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error


_B64URL = re.compile(r"[A-Za-z0-9_-]+")


def wording_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def round_id(opened_at: datetime) -> str:
    """A round named by the moment it opened, to the microsecond, without a time zone (every
    time in plenary is UTC; the API may show it with or without the suffix)."""
    return opened_at.replace(tzinfo=None).isoformat(timespec="microseconds")


def answer_message(
    *,
    report_id: int,
    amendment_id: int,
    round: str,
    wording_sha256: str,
    answer: str,
    reason: str,
) -> bytes:
    """The exact bytes a member signs: JSON with sorted keys, no spaces, UTF-8 (the web
    client's `JSON.stringify` of the same object with keys in this order gives them too)."""
    fields = {
        "amendment_id": amendment_id,
        "answer": answer,
        "reason": reason,
        "report_id": report_id,
        "round": round,
        "v": MESSAGE_VERSION,
        "wording_sha256": wording_sha256,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def endorsement_message(*, participant_id: int, new_public_key: str) -> bytes:
    """What the old key signs to hand over to a new one (a rotation, not a replacement)."""
    fields: dict[str, object] = {
        "new_public_key": new_public_key,
        "participant_id": participant_id,
        "v": ENDORSEMENT_VERSION,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


@lru_cache(maxsize=4096)
def public_key_of(text: str) -> Ed25519PublicKey:
    """The raw 32-byte public key, base64url; ValueError if it is not one. Kept per text: a
    member's key verifies each of its answers (a ValueError is not kept)."""
    raw = unb64url(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def verifies(public_key: str, signature: str, message: bytes) -> bool:
    try:
        key = public_key_of(public_key)
        raw = unb64url(signature)
    except ValueError:
        return False
    if len(raw) != 64:
        return False
    try:
        key.verify(raw, message)
    except InvalidSignature:
        return False
    return True


def signature_commitment(salt_hex: str, signature: str) -> str:
    """What the public chain carries of a signature: SHA-256(event salt || signature bytes).
    The salt is fresh per event and shown only to members, so the public cannot link two
    answers by their signatures, and members can check that the chain covers each one."""
    return hashlib.sha256(bytes.fromhex(salt_hex) + unb64url(signature)).hexdigest()


# --- the holder's side: the Python client and the CLI -----------------------------------


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64url(raw)


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return b64url(key.sign(message))


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(data: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key
