"""portal.keys: Ed25519 PEM keys outside the database, generated atomically in development."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal import keys


def pem(key: object) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_a_missing_key_is_generated_once_private_to_the_owner(tmp_path) -> None:
    path = tmp_path / "var" / "dev-key.pem"
    key = keys.load_private_key(path, generate=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["dev-key.pem"]  # no temporary file left behind
    assert keys.load_private_key(str(path), generate=True) is key
    on_disk = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert keys.raw_public_bytes(on_disk.public_key()) == keys.raw_public_bytes(key.public_key())


def test_two_processes_starting_together_keep_the_first_key(tmp_path, monkeypatch) -> None:
    """Another process writes its key between our check and our link: we keep theirs."""
    path = tmp_path / "dev-key.pem"
    theirs = Ed25519PrivateKey.generate()
    link = os.link

    def racing_link(source: str, target: os.PathLike) -> None:
        path.write_bytes(pem(theirs))
        link(source, target)

    monkeypatch.setattr(keys.os, "link", racing_link)
    ours = keys.load_private_key(path, generate=True)
    assert keys.raw_public_bytes(ours.public_key()) == keys.raw_public_bytes(theirs.public_key())
    assert os.listdir(tmp_path) == ["dev-key.pem"]


def test_a_missing_key_is_an_os_error_without_generate(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        keys.load_private_key(tmp_path / "missing.pem", generate=False)
    assert not (tmp_path / "missing.pem").exists()


def test_another_kind_of_key_or_no_key_is_a_value_error(tmp_path) -> None:
    other = tmp_path / "ec.pem"
    other.write_bytes(pem(ec.generate_private_key(ec.SECP256R1())))
    with pytest.raises(keys.NotEd25519Error, match="not an Ed25519 key"):
        keys.load_private_key(other, generate=True)
    with pytest.raises(keys.NotEd25519Error):
        keys.load_public_key(other)
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a key")
    with pytest.raises(ValueError, match="Unable to load PEM"):
        keys.load_private_key(junk, generate=False)


def test_the_public_key_reads_from_a_private_or_a_public_pem(tmp_path) -> None:
    private = Ed25519PrivateKey.generate()
    raw = keys.raw_public_bytes(private.public_key())
    assert len(raw) == 32
    (tmp_path / "private.pem").write_bytes(pem(private))
    (tmp_path / "public.pem").write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    assert keys.raw_public_bytes(keys.load_public_key(tmp_path / "private.pem")) == raw
    assert keys.raw_public_bytes(keys.load_public_key(tmp_path / "public.pem")) == raw


def test_keys_are_cached_by_path_not_shared_between_paths(tmp_path) -> None:
    first = keys.load_private_key(tmp_path / "a.pem", generate=True)
    second = keys.load_private_key(tmp_path / "b.pem", generate=True)
    assert keys.raw_public_bytes(first.public_key()) != keys.raw_public_bytes(second.public_key())
