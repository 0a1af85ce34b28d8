"""The Ed25519 key that signs portfolio packages, kept outside the database.

``TRANSFER_SIGNING_KEY_FILE`` names a PEM file (PKCS#8, unencrypted). In development it
defaults to ``var/dev-transfer-signing-key.pem`` and is generated on first use (as is any
missing file of that name; ``portal.keys`` writes it atomically and reads it once per process);
any other missing or unset file is an error when a package is signed. The key's id is the
SHA-256 of its raw public key, so a receiver can compare it with the one the sender publishes.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.keys import NotEd25519Error, load_private_key, raw_public_bytes

ALGORITHM = "Ed25519"
DEV_KEY_NAME = "dev-transfer-signing-key.pem"


def _key_path() -> Path:
    name = settings.TRANSFER_SIGNING_KEY_FILE
    if not name:
        raise ImproperlyConfigured(
            "TRANSFER_SIGNING_KEY_FILE is not set: packages cannot be signed."
        )
    return Path(name)


def private_key() -> Ed25519PrivateKey:
    path = _key_path()
    development = path.parent == settings.BASE_DIR / "var" or path.name == DEV_KEY_NAME
    if not development and not path.exists():
        raise ImproperlyConfigured(f"TRANSFER_SIGNING_KEY_FILE {path} does not exist.")
    try:
        return load_private_key(path, generate=development)
    except NotEd25519Error as error:
        raise ImproperlyConfigured(
            f"TRANSFER_SIGNING_KEY_FILE {path} is not an Ed25519 key."
        ) from error


def is_configured() -> bool:
    """Whether packages can be signed here: the pages offer a package only then."""
    try:
        private_key()
    except (ImproperlyConfigured, OSError, ValueError):
        return False
    return True


def key_id_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def public_key_document() -> dict[str, str]:
    """What the public key URL serves: the algorithm, the raw key in base64 and its id."""
    raw = raw_public_bytes(private_key().public_key())
    return {
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(raw).decode(),
        "key_id": key_id_of(raw),
    }


def sign(message: bytes) -> dict[str, str]:
    """The signature block stored next to the manifest in a package."""
    key = private_key()
    raw = raw_public_bytes(key.public_key())
    return {
        "algorithm": ALGORITHM,
        "key_id": key_id_of(raw),
        "public_key": base64.b64encode(raw).decode(),
        "signature": base64.b64encode(key.sign(message)).decode(),
    }


def signature_problem(message: bytes, block: dict) -> str | None:
    """Why ``block`` is not a valid signature of ``message``, or None if it is."""
    if not isinstance(block, dict) or block.get("algorithm") != ALGORITHM:
        return f"the signature is not an {ALGORITHM} signature"
    try:
        raw = base64.b64decode(str(block.get("public_key", "")), validate=True)
        signature = base64.b64decode(str(block.get("signature", "")), validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return "the signature block is malformed"
    if key_id_of(raw) != block.get("key_id"):
        return "the signature's key id does not match its public key"
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return "the manifest's signature does not match (the manifest was changed after signing)"
    return None


def is_trusted(key_id: str) -> bool:
    """Our own key, or one listed in ``TRANSFER_TRUSTED_KEY_IDS`` (another installation's)."""
    return key_id in settings.TRANSFER_TRUSTED_KEY_IDS or key_id == public_key_document()["key_id"]
