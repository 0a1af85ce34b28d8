"""The package signing key: generated at its development name, an error anywhere else."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

from portal.transfer import signing


def test_the_development_key_is_generated_once_private_to_the_owner(settings) -> None:
    path = settings.TRANSFER_SIGNING_KEY_FILE  # tmp_path / DEV_KEY_NAME (conftest)
    first = signing.public_key_document()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert signing.public_key_document() == first
    assert signing.is_trusted(first["key_id"])


def test_a_missing_key_elsewhere_is_an_error_not_a_new_key(settings, tmp_path) -> None:
    settings.TRANSFER_SIGNING_KEY_FILE = str(tmp_path / "production-key.pem")
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        signing.sign(b"manifest")
    assert not (tmp_path / "production-key.pem").exists()


def test_another_kind_of_key_is_an_error(settings, tmp_path) -> None:
    path = tmp_path / "ec-key.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.TRANSFER_SIGNING_KEY_FILE = str(path)
    with pytest.raises(ImproperlyConfigured, match="is not an Ed25519 key"):
        signing.sign(b"manifest")


def test_unset_is_an_error(settings) -> None:
    settings.TRANSFER_SIGNING_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="is not set"):
        signing.public_key_document()


def test_a_signature_verifies_with_its_key_id(settings) -> None:
    block = signing.sign(b"manifest")
    assert block["key_id"] == signing.public_key_document()["key_id"]
    assert signing.signature_problem(b"manifest", block) is None
    assert "does not match" in signing.signature_problem(b"changed", block)
