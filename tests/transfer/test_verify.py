"""Checking a package: a good one verifies; tampering and hostile ZIPs get a clear message."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from portal.transfer.signing import DEV_KEY_NAME
from portal.transfer.verify import PackageError, package_check
from tests.transfer.helpers import build, members, rezip

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(portfolio) -> bytes:
    return build(portfolio.learner)


def check(data: bytes):
    return package_check(io.BytesIO(data), size=len(data))


def refused(data: bytes) -> str:
    with pytest.raises(PackageError) as error:
        check(data)
    return " ".join(error.value.messages)


def test_a_package_verifies(package) -> None:
    checked = check(package)
    assert checked.trusted  # signed with this installation's own key
    assert checked.files and checked.manifest["record"]


def test_a_changed_payload_is_caught_even_when_re_signed(package, settings, tmp_path) -> None:
    """Re-signing with another key keeps the signature valid: the entry hash still fails."""
    from portal.transfer import manifest as manifest_module
    from portal.transfer import signing

    files = members(package)
    manifest = json.loads(files["manifest.json"])
    entry = manifest["record"][0]
    entry["payload"] = {**entry["payload"], "met": not entry["payload"].get("met")}
    body = manifest_module.dumps(manifest)
    settings.TRANSFER_SIGNING_KEY_FILE = str(tmp_path / "other" / DEV_KEY_NAME)
    files["manifest.json"] = body
    files["manifest.sig.json"] = manifest_module.dumps(signing.sign(body))
    message = refused(rezip(files))
    assert f"Record entry #{entry['sequence']}" in message
    assert "does not match its hash" in message


def test_a_changed_manifest_breaks_the_signature(package) -> None:
    files = members(package)
    files["manifest.json"] = files["manifest.json"].replace(b'"met":true', b'"met":false', 1)
    assert "signature does not verify" in refused(rezip(files))


def test_a_forged_signature_is_refused(package) -> None:
    files = members(package)
    block = json.loads(files["manifest.sig.json"])
    block["signature"] = base64.b64encode(b"\0" * 64).decode()
    files["manifest.sig.json"] = json.dumps(block).encode()
    assert "signature does not match" in refused(rezip(files))


def test_another_key_verifies_but_is_not_trusted(package, settings, tmp_path) -> None:
    settings.TRANSFER_SIGNING_KEY_FILE = str(tmp_path / "receiver" / DEV_KEY_NAME)
    checked = check(package)
    assert not checked.trusted
    settings.TRANSFER_TRUSTED_KEY_IDS = [checked.key_id]
    assert check(package).trusted


def test_a_changed_file_is_caught(package) -> None:
    files = members(package)
    name = next(n for n in files if n.startswith("files/"))
    files[name] = files[name] + b"x"
    assert "does not match its SHA-256" in refused(rezip(files))


def test_a_changed_pdf_is_caught(package) -> None:
    files = members(package)
    files["portfolio.pdf"] = files["portfolio.pdf"] + b"%"
    assert "portfolio.pdf does not match" in refused(rezip(files))


def test_a_missing_file_is_caught(package) -> None:
    files = members(package)
    del files[next(n for n in files if n.startswith("files/"))]
    assert "is missing" in refused(rezip(files))


@pytest.mark.parametrize(
    "name", ["../evil.txt", "files/../../etc/passwd", "/abs", "files/x", "other.txt"]
)
def test_unexpected_paths_are_refused(package, name) -> None:
    files = members(package)
    files[name] = b"x"
    assert "unexpected path" in refused(rezip(files))


def test_a_zip_bomb_is_refused(package) -> None:
    files = members(package)
    files["files/" + "0" * 64] = b"\0" * (5 * 1024 * 1024)  # compresses about 1000 to 1
    assert "ZIP bomb" in refused(rezip(files))


def test_caps(package, settings) -> None:
    settings.TRANSFER_MAX_PACKAGE_BYTES = len(package) - 1
    assert "at most" in refused(package)
    settings.TRANSFER_MAX_PACKAGE_BYTES = len(package)
    settings.TRANSFER_MAX_MEMBERS = 2
    assert "files; at most 2" in refused(package)
    settings.TRANSFER_MAX_MEMBERS = 5000
    settings.TRANSFER_MAX_MANIFEST_BYTES = 100
    assert "manifest.json is larger than 100 bytes" in refused(package)
    settings.TRANSFER_MAX_MANIFEST_BYTES = 10**7
    settings.TRANSFER_MAX_MEMBER_BYTES = 100
    assert "too large once uncompressed" in refused(package)


def test_deep_json_is_refused(package) -> None:
    files = members(package)
    files["manifest.sig.json"] = b"[" * 100 + b"]" * 100
    assert "nested more than" in refused(rezip(files))


def test_not_a_zip() -> None:
    assert "not a ZIP" in refused(b"%PDF-1.7 hello")


def test_not_a_package() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", "{}")
    assert "no manifest.sig.json" in refused(out.getvalue())


def test_command(package, tmp_path) -> None:
    path = tmp_path / "p.zip"
    path.write_bytes(package)
    out = io.StringIO()
    call_command("verify_portfolio_package", str(path), stdout=out)
    assert out.getvalue().startswith("Valid:")
    files = members(package)
    files["portfolio.pdf"] += b"%"
    path.write_bytes(rezip(files))
    with pytest.raises(CommandError, match=r"portfolio\.pdf does not match"):
        call_command("verify_portfolio_package", str(path))
