"""Backup and restore round-trip the demo data: every row, every file, the record chain."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tracemalloc

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.record import centres_with_records, verify_centre
from portal.backup import _private, _stored_names, backed_up_models


def _rows() -> dict[str, list[dict]]:
    """Every backed-up model's rows as dicts, content types and users named by natural key."""
    return {
        model._meta.label: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
    }


def _file_hashes() -> dict[str, str]:
    storage = _private()
    hashes = {}
    for name in _stored_names():
        digest = hashlib.sha256()
        with storage.open(name, "rb") as handle:
            for chunk in iter(lambda h=handle: h.read(65536), b""):
                digest.update(chunk)
        hashes[name] = digest.hexdigest()
    return hashes


def _heads() -> dict[int, tuple[int, str]]:
    heads = {}
    for centre_id in centres_with_records():
        report = verify_centre(centre_id)
        assert report.first_break is None
        heads[centre_id] = (report.entries, report.head_hash)
    return heads


def _empty_installation() -> None:
    """What a fresh installation is: migrated tables without rows, an empty file storage."""
    storage = _private()
    for name in _stored_names():
        storage.delete(name)
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(transactional_db, settings) -> None:
    settings.DEBUG = True
    call_command("demo", verbosity=0)


def test_round_trip_of_the_demo_data(demo, tmp_path, capsys) -> None:
    rows, files, heads = _rows(), _file_hashes(), _heads()
    assert files and heads and rows["assessments.RecordEntry"]
    archive = tmp_path / "portal.tar"
    call_command("backup", output=archive)
    assert "files" in capsys.readouterr().out
    assert archive.stat().st_mode & 0o777 == 0o600

    _empty_installation()
    assert not any(_rows().values()) and not _file_hashes()

    call_command("restore", archive)
    out = capsys.readouterr().out
    assert _rows() == rows
    assert _file_hashes() == files
    assert _heads() == heads
    for centre_id, (entries, head) in heads.items():
        assert f"Centre {centre_id}: {entries} entries, chain intact, head {head}" in out

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == files
    assert manifest["record_heads"] == {
        str(c): {"sequence": n, "entry_hash": h} for c, (n, h) in heads.items()
    }


def test_restore_refuses_a_database_that_is_not_empty(demo, tmp_path) -> None:
    archive = tmp_path / "portal.tar"
    call_command("backup", output=archive)
    rows = _rows()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", archive)
    assert _rows() == rows


def test_restore_refuses_a_damaged_archive_before_writing_anything(demo, tmp_path) -> None:
    archive = tmp_path / "portal.tar"
    call_command("backup", output=archive)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        flipped = False
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("files/") and not flipped:
                data, flipped = bytes([data[0] ^ 1]) + data[1:], True
            target.addfile(member, io.BytesIO(data))
    _empty_installation()
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", damaged)
    assert not any(_rows().values()) and not _file_hashes()
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as tar:
        tar.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", bogus)


def test_backup_refuses_an_existing_output_and_a_missing_file(demo, tmp_path) -> None:
    archive = tmp_path / "portal.tar"
    archive.write_bytes(b"")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=archive)
    (tmp_path / "next.tar.partial").write_bytes(b"")
    with pytest.raises(CommandError, match="another backup is being written"):
        call_command("backup", output=tmp_path / "next.tar")
    assert (tmp_path / "next.tar.partial").exists()
    _private().delete(_stored_names()[0])
    with pytest.raises(CommandError, match="is missing"):
        call_command("backup", output=tmp_path / "other.tar")
    assert not (tmp_path / "other.tar").exists()
    assert not (tmp_path / "other.tar.partial").exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="measured once, on SQLite")
def test_backup_streams_files_in_bounded_memory(demo, tmp_path) -> None:
    storage = _private()
    name = _stored_names()[0]
    storage.delete(name)
    big = 16 * 1024 * 1024
    with storage.open(name, "wb") as handle:
        for _ in range(big // (1024 * 1024)):
            handle.write(b"\x5a" * (1024 * 1024))
    tracemalloc.start()
    try:
        call_command("backup", output=tmp_path / "big.tar")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (tmp_path / "big.tar").stat().st_size > big
    assert peak < 8 * 1024 * 1024, f"backup peaked at {peak} bytes"


def test_a_restore_whose_record_does_not_verify_leaves_nothing_behind(
    demo, tmp_path, settings
) -> None:
    archive = tmp_path / "portal.tar"
    call_command("backup", output=archive)
    _empty_installation()
    # A machine without the key the entries were signed with cannot tell them from forgeries.
    settings.RECORD_MAC_KEYS = {"test-1": settings.RECORD_MAC_KEYS["test-1"]}
    with pytest.raises(CommandError, match="signed with an unknown key 'test-2'"):
        call_command("restore", archive)
    assert not any(_rows().values()) and not _file_hashes()


def test_restore_refuses_a_backup_of_other_migrations(demo, tmp_path) -> None:
    archive = tmp_path / "portal.tar"
    call_command("backup", output=archive)
    edited = tmp_path / "edited.tar"
    with tarfile.open(archive) as source, tarfile.open(edited, "w") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["assessments"].append("0999_from_the_future")
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    _empty_installation()
    with pytest.raises(CommandError, match="migrations differ from the backup's in assessments"):
        call_command("restore", edited)
