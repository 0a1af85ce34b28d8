"""The badge signing key and VC-JWT signatures (EdDSA with Ed25519, RFC 8037).

The private key is a PEM file named by ``BADGE_SIGNING_KEY_FILE``, outside the database. In
development (the setting's default points into the untracked ``var/``) it is generated on
first use, like SECRET_KEY. A key's ``kid`` is its RFC 7638 JWK thumbprint, so the same key
always has the same id and a rotated one a new id. The public keys are published as a JWKS
(``jwks``): the current key and every retired key of ``BADGE_RETIRED_KEY_FILES``, so badges
signed before a rotation still verify.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from assessments.errors import DecisionError

ALGORITHM = "EdDSA"
NOT_CONFIGURED = (
    "Badges are not configured on this portal yet: the centre's signing key is missing. "
    "Please tell your centre; your unit stays verified and you can claim the badge later."
)


class NotConfiguredError(DecisionError):
    """No signing key: badges cannot be issued (verification of old ones may still work)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _development_key(path: Path) -> None:
    """Write a new key to ``path`` unless one is there: atomically, so two processes
    starting together end with the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".badge-key-")
    try:
        os.write(handle, pem)
        os.close(handle)
        os.chmod(temporary, 0o600)
        # Another process may have written one first: keep theirs.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


@cache
def _load_private(path: str, generate: bool) -> Ed25519PrivateKey:
    file = Path(path)
    if not file.exists() and generate:
        _development_key(file)
    try:
        key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise NotConfiguredError(NOT_CONFIGURED) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise NotConfiguredError(NOT_CONFIGURED)
    return key


@cache
def _load_public(path: str) -> Ed25519PublicKey:
    data = Path(path).read_bytes()
    try:
        key: Any = serialization.load_pem_private_key(data, password=None).public_key()
    except (ValueError, TypeError):
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 key.")
    return key


def signing_key() -> Ed25519PrivateKey:
    """The current private key; ``NotConfiguredError`` when there is none."""
    path = settings.BADGE_SIGNING_KEY_FILE
    if not path:
        raise NotConfiguredError(NOT_CONFIGURED)
    return _load_private(path, settings.DEBUG)


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}


def key_id(key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint: SHA-256 of the JWK's required members in lexical order."""
    members = json.dumps(public_jwk(key), sort_keys=True, separators=(",", ":"))
    return _b64(hashlib.sha256(members.encode("utf-8")).digest())


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key a badge of ours may be signed with, by kid: the current one (if configured)
    and the retired ones."""
    keys: dict[str, Ed25519PublicKey] = {}
    try:
        current = signing_key().public_key()
        keys[key_id(current)] = current
    except NotConfiguredError:
        pass
    for path in settings.BADGE_RETIRED_KEY_FILES:
        retired = _load_public(path)
        keys[key_id(retired)] = retired
    return keys


def jwks() -> dict[str, Any]:
    return {
        "keys": [
            {**public_jwk(key), "kid": kid, "alg": ALGORITHM, "use": "sig"}
            for kid, key in public_keys().items()
        ]
    }


def sign(payload: dict[str, Any]) -> tuple[str, str]:
    """The compact JWS of ``payload`` and the kid it was signed with."""
    key = signing_key()
    kid = key_id(key.public_key())
    token = jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": kid, "typ": "JWT"})
    return token, kid
