"""The badge signing key and VC-JWT signatures (EdDSA with Ed25519, RFC 8037).

The private key is a PEM file named by ``BADGE_SIGNING_KEY_FILE``, outside the database. In
development (the setting's default points into the untracked ``var/``) it is generated on
first use, like SECRET_KEY (``portal.keys`` reads and makes it). A key's ``kid`` is its RFC 7638
JWK thumbprint, so the same key always has the same id and a rotated one a new id. The public
keys are published as a JWKS (``jwks``): the current key and every retired key of
``BADGE_RETIRED_KEY_FILES``, so badges signed before a rotation still verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from assessments.errors import DecisionError
from portal.keys import load_private_key, load_public_key, raw_public_bytes

ALGORITHM = "EdDSA"
NOT_CONFIGURED = (
    "Badges are not configured on this portal yet: the centre's signing key is missing. "
    "Please tell your centre; your unit stays verified and you can claim the badge later."
)


class NotConfiguredError(DecisionError):
    """No signing key: badges cannot be issued (verification of old ones may still work)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signing_key() -> Ed25519PrivateKey:
    """The current private key; ``NotConfiguredError`` when there is none."""
    path = settings.BADGE_SIGNING_KEY_FILE
    if not path:
        raise NotConfiguredError(NOT_CONFIGURED)
    try:
        return load_private_key(path, generate=settings.DEBUG)
    except (OSError, ValueError) as error:
        raise NotConfiguredError(NOT_CONFIGURED) from error


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw_public_bytes(key))}


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
        retired = load_public_key(path)
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
