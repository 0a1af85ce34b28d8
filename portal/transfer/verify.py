"""Checking a portfolio package, on the receiving side or by anyone with the file.

``package_check`` opens the ZIP within bounds (size, member count, per-member and total
uncompressed size, compression ratio, no paths outside ``files/``, manifest size and JSON
nesting), validates the manifest against its schema, checks the Ed25519 signature of its
exact bytes, recomputes every record entry's hash from its content (``RecordEntry.canonical_of``,
the function the record itself uses) and the links between consecutive entries, and hashes the
PDF and every evidence file against the manifest. Any failure raises ``PackageError`` with a
message saying what is wrong; nothing is read into the database here.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError

from assessments.models import RecordEntry
from portal.transfer import manifest as manifest_module
from portal.transfer import signing
from portal.transfer.services import FILES, MANIFEST, PDF, SIGNATURE
from standards.importer import nesting_depth

MAX_DEPTH = 40
MAX_RATIO = 200  # uncompressed / compressed, per member
SIGNATURE_MAX_BYTES = 4096
CHUNK = 1024 * 1024
FILE_NAME = re.compile(FILES + r"[0-9a-f]{64}")


class PackageError(ValidationError):
    """The uploaded package is not one we can accept: the message says why."""


@dataclass
class CheckedPackage:
    manifest: dict[str, Any]
    key_id: str
    trusted: bool
    files: dict[str, zipfile.ZipInfo] = field(default_factory=dict)  # sha256 -> member


def _bounded_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > settings.TRANSFER_MAX_MEMBERS:
        raise PackageError(
            f"The package has {len(members)} files; at most {settings.TRANSFER_MAX_MEMBERS} "
            "are allowed."
        )
    total = 0
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in members:
        name = info.filename
        allowed = name in (MANIFEST, SIGNATURE, PDF) or FILE_NAME.fullmatch(name)
        if not allowed:
            raise PackageError(f"The package holds an unexpected path {name[:100]!r}.")
        if name in by_name:
            raise PackageError(f"The package holds {name[:100]!r} twice.")
        if info.file_size > settings.TRANSFER_MAX_MEMBER_BYTES:
            raise PackageError(f"{name[:100]} is too large once uncompressed.")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise PackageError(
                f"{name[:100]} is compressed more than {MAX_RATIO} to 1; "
                "the package was refused as a possible ZIP bomb."
            )
        if info.compress_size == 0 and info.file_size > 0:
            raise PackageError(f"{name[:100]} has an impossible compressed size.")
        total += info.file_size
        by_name[name] = info
    if total > settings.TRANSFER_MAX_TOTAL_BYTES:
        raise PackageError("The package is too large once uncompressed.")
    for required in (MANIFEST, SIGNATURE, PDF):
        if required not in by_name:
            raise PackageError(f"The package has no {required}; is it a portfolio package?")
    return by_name


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    if info.file_size > cap:
        raise PackageError(f"{info.filename} is larger than {cap} bytes.")
    with archive.open(info) as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:  # the header lied about the size
        raise PackageError(f"{info.filename} is larger than {cap} bytes.")
    return data


def _hash_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise PackageError(f"{info.filename} is larger than its header says.")
            digest.update(chunk)
    return digest.hexdigest(), size


def _json(data: bytes, what: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PackageError(f"{what} is not UTF-8 text.") from error
    if nesting_depth(text) > MAX_DEPTH:
        raise PackageError(f"{what} is nested more than {MAX_DEPTH} levels deep.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise PackageError(f"{what} is not valid JSON: {error}") from error


def record_problems(entries: list[dict[str, Any]]) -> list[str]:
    """Each entry whose hash does not match its content, or whose link to the entry before
    it (when the package holds that one too) is broken."""
    problems = []
    previous: dict[str, Any] | None = None
    for entry in sorted(entries, key=lambda e: e["sequence"]):
        try:
            recorded_at = datetime.datetime.fromisoformat(entry["recorded_at"])
        except ValueError:
            problems.append(f"Record entry #{entry['sequence']} has an unreadable time.")
            continue
        canonical = RecordEntry.canonical_of(
            entry["centre"],
            entry["sequence"],
            entry["actor"],
            entry["actor_name"],
            recorded_at,
            entry["action"],
            entry["enrolment"],
            entry["payload"],
            entry["file_hashes"],
            entry["prev_hash"],
        )
        if hashlib.sha256(canonical).hexdigest() != entry["entry_hash"]:
            problems.append(
                f"Record entry #{entry['sequence']} ({entry['action']}) does not match its "
                "hash: its content was changed."
            )
        if (
            previous is not None
            and previous["sequence"] == entry["sequence"] - 1
            and entry["prev_hash"] != previous["entry_hash"]
        ):
            problems.append(
                f"Record entry #{entry['sequence']} does not follow entry #{previous['sequence']}."
            )
        previous = entry
    return problems


def package_check(upload: IO[bytes], *, size: int) -> CheckedPackage:
    """Check the package in ``upload`` (a seekable binary file of ``size`` bytes)."""
    if size > settings.TRANSFER_MAX_PACKAGE_BYTES:
        raise PackageError(
            f"The package is {size} bytes; at most {settings.TRANSFER_MAX_PACKAGE_BYTES} "
            "are allowed."
        )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PackageError("The file is not a ZIP package.") from error
    try:
        with archive:
            return _check(archive)
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as error:
        raise PackageError(f"The package is damaged: {error}") from error


def _check(archive: zipfile.ZipFile) -> CheckedPackage:
    members = _bounded_members(archive)
    body = _read_capped(archive, members[MANIFEST], settings.TRANSFER_MAX_MANIFEST_BYTES)
    block = _json(_read_capped(archive, members[SIGNATURE], SIGNATURE_MAX_BYTES), SIGNATURE)
    problem = signing.signature_problem(body, block)
    if problem:
        raise PackageError(f"The package's signature does not verify: {problem}.")
    manifest = _json(body, MANIFEST)
    problems = manifest_module.schema_problems(manifest)
    if problems:
        raise PackageError("The manifest does not match its schema: " + "; ".join(problems))
    problems = record_problems(manifest["record"])
    if problems:
        raise PackageError(" ".join(problems[:10]))
    head = manifest["record_head"]
    if manifest["record"] and (
        head is None or head["sequence"] < max(e["sequence"] for e in manifest["record"])
    ):
        raise PackageError("The record head is before the learner's last record entry.")
    sha, size = _hash_member(archive, members[PDF])
    if sha != manifest["pdf"]["sha256"] or size != manifest["pdf"]["size"]:
        raise PackageError("portfolio.pdf does not match the manifest: it was changed.")
    files: dict[str, zipfile.ZipInfo] = {}
    for item in manifest["evidence"]:
        if item["disposed"]:
            continue  # its files were disposed of after the retention period
        for listed in item["files"]:
            info = members.get(FILES + listed["sha256"])
            if info is None:
                raise PackageError(
                    f"Evidence {item['reference']}: file {listed['name']} is missing."
                )
            if listed["sha256"] not in files:
                sha, size = _hash_member(archive, info)
                if sha != listed["sha256"] or size != listed["size"]:
                    raise PackageError(
                        f"Evidence {item['reference']}: file {listed['name']} does not match "
                        "its SHA-256: it was changed."
                    )
                files[sha] = info
    return CheckedPackage(
        manifest=manifest,
        key_id=block["key_id"],
        trusted=signing.is_trusted(block["key_id"]),
        files=files,
    )
