"""Ed25519 keys kept in PEM files outside the database: the badge signer's and the portfolio
package signer's.

``load_private_key`` reads a PKCS#8 private key; with ``generate`` it first writes a new one
where none is (development), atomically, so two processes starting together end with the same
key. Keys are read once per process and path (a rotation names a new file and restarts). The
signers keep their own settings, error messages and key ids: this module raises only what the
file gives (``OSError`` for a missing or unreadable file, ``ValueError`` for one that is not a
PEM key, ``NotEd25519Error``, a ``ValueError``, for another kind of key).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class NotEd25519Error(ValueError):
    """The file holds a key, but not an Ed25519 one."""


def _generate(path: Path) -> None:
    """Write a new key to ``path`` unless one is there: atomically, so two processes
    starting together end with the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
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
def _private(path: str, generate: bool) -> Ed25519PrivateKey:
    file = Path(path)
    if generate and not file.exists():
        _generate(file)
    key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise NotEd25519Error(f"{path} is not an Ed25519 key.")
    return key


def load_private_key(path: str | os.PathLike[str], *, generate: bool) -> Ed25519PrivateKey:
    """The private key in the PEM file ``path``, generated there first when ``generate`` and
    the file is missing."""
    return _private(os.fspath(path), generate)


@cache
def _public(path: str) -> Ed25519PublicKey:
    data = Path(path).read_bytes()
    try:
        key: Any = serialization.load_pem_private_key(data, password=None).public_key()
    except (ValueError, TypeError):
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise NotEd25519Error(f"{path} is not an Ed25519 key.")
    return key


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    """The public key in the PEM file ``path``, which may hold the private key or only the
    public one (a retired key)."""
    return _public(os.fspath(path))


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    """The 32 bytes of the public key, as RFC 8032 encodes it."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
