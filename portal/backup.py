"""Backup and restore: the database and every stored file in one tar archive with checksums.

An archive holds ``database.jsonl`` (Django's ``dumpdata`` of every app, one object a line,
foreign keys to content types and permissions by natural key), ``files/<name>`` for every
file a row refers to (evidence, thumbnails, portfolio exports, subject access exports), and
``manifest.json`` last: the SHA-256 and size of each member, the applied migrations and the
head of each centre's decision record.

The rows and the list of files come from one read transaction (REPEATABLE READ, read only,
on PostgreSQL; one SQLite transaction holds its snapshot too), and the files are read while
it is open, so the archive is one consistent moment. Files are read through the storage API
(local folder or S3) and streamed in chunks: memory stays bounded whatever their size.

Restore only fills a fresh installation: migrated, with no rows and none of the files. It
checks every checksum before it writes anything, loads the rows and files in one
transaction (files already written are removed if it fails), then checks each centre's
record chain and that its head is the one the backup recorded.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import posixpath
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from assessments.models import RecordEntry
from assessments.record import verify_centre

FORMAT = "portal-backup"
VERSION = 1
CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
FILES = "files/"
# Rebuilt by ``migrate`` on the new installation; rows that refer to them name them by
# natural key. Sessions are left behind: everyone signs in again after a restore.
EXCLUDED = ("contenttypes", "auth.permission", "sessions")


class BackupError(Exception):
    """The archive cannot be written, or cannot be restored here; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    objects: int
    files: int
    bytes: int


@dataclass(frozen=True)
class RestoreSummary:
    objects: int
    files: int
    centres: list[str]


def _private() -> Storage:
    return storages["private"]


def backed_up_models() -> list[type[models.Model]]:
    """Every model whose rows the archive holds (what restore expects to find empty)."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps
        and model._meta.label_lower not in excluded_models
        and model._meta.managed
        and not model._meta.proxy
    ]


def _file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    fields = []
    for model in backed_up_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                if field.storage is not _private():
                    raise BackupError(
                        f"{model._meta.label}.{field.name} uses a storage other than 'private', "
                        "which the backup does not cover."
                    )
                fields.append((model, field))
    return fields


def _stored_names() -> list[str]:
    names: set[str] = set()
    for model, field in _file_fields():
        values = model._base_manager.exclude(**{field.name: ""}).exclude(
            **{f"{field.name}__isnull": True}
        )
        names.update(values.values_list(field.name, flat=True).iterator(chunk_size=2000))
    return sorted(names)


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _record_heads() -> dict[str, dict[str, Any]]:
    heads = {}
    for centre_id in sorted(set(RecordEntry.objects.values_list("centre_id", flat=True))):
        head = (
            RecordEntry.objects.filter(centre_id=centre_id)
            .order_by("-sequence")
            .values("sequence", "entry_hash")
            .first()
        )
        heads[str(centre_id)] = head
    return heads


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder, keeping microseconds. ``dumpdata`` cuts times to milliseconds,
    which would change every record entry's ``recorded_at`` and so its hash."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _dump(path: Path) -> int:
    """Write every backed-up row, one JSON object a line (what ``loaddata`` reads as jsonl).

    Like ``dumpdata --natural-foreign --format jsonl`` but with full-precision times; rows
    are read in chunks, so memory stays bounded."""
    objects = 0
    with path.open("w", encoding="utf-8") as out:
        # Models whose rows others name by natural key (users) come before those others.
        ordered = serializers.sort_dependencies([(None, backed_up_models())], allow_cycles=True)
        for model in ordered:
            rows = model._base_manager.order_by("pk")
            serializers.serialize(
                "jsonl",
                rows.iterator(chunk_size=2000),
                stream=out,
                use_natural_foreign_keys=True,
                cls=_FullPrecisionEncoder,
            )
        out.flush()
    with path.open("rb") as handle:
        objects = sum(1 for line in handle if line.strip())
    return objects


class _Hashing(io.RawIOBase):
    """Reads through to ``source`` and keeps a SHA-256 and count of what passed."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size if size is not None and size >= 0 else CHUNK)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    reader = _Hashing(source)
    archive.addfile(info, reader)  # copies exactly `size` bytes, in chunks
    return {"name": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


@transaction.atomic
def _snapshot(
    archive: tarfile.TarFile, workdir: Path, *, outermost: bool
) -> tuple[dict[str, Any], int]:
    """Dump the rows and copy the files they name, all inside one read transaction."""
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            # Only possible as the transaction's first statement (not inside another).
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    dump = workdir / DATABASE
    objects = _dump(dump)
    with dump.open("rb") as handle:
        database = _add(archive, DATABASE, handle, dump.stat().st_size)
    storage = _private()
    files = []
    for name in _stored_names():
        try:
            size = storage.size(name)
            handle = storage.open(name, "rb")
        except (FileNotFoundError, OSError) as error:
            raise BackupError(
                f"The stored file {name!r} that a row refers to is missing."
            ) from error
        with handle:
            entry = _add(archive, FILES + name, handle, size)
        files.append({**entry, "name": name})
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "database": {**database, "objects": objects},
        "files": files,
        "record_heads": _record_heads(),
    }
    return manifest, objects


def backup_write(output: Path) -> BackupSummary:
    """Write the archive to ``output`` (via a temporary name, renamed when complete),
    readable by its owner only: it holds personal data and two-factor secrets."""
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    # O_EXCL: never write into a file someone else prepared under the temporary name.
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(
            f"{partial} exists: another backup is being written, or one was interrupted "
            "(then remove it)."
        ) from None
    try:
        with (
            tempfile.TemporaryDirectory(prefix="backup-") as work,
            open(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive,
        ):
            manifest, objects = _snapshot(
                archive, Path(work), outermost=not connection.in_atomic_block
            )
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            _add(archive, MANIFEST, io.BytesIO(body), len(body))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    total = sum(f["size"] for f in manifest["files"])
    return BackupSummary(output, objects, len(manifest["files"]), total)


# --- Restore ---------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    normal = posixpath.normpath(name)
    return (
        bool(name)
        and normal == name
        and not name.startswith("/")
        and not normal.startswith("..")
        and "\\" not in name
    )


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError("This is not a backup: it has no manifest.json.") from None
    if not member.isfile() or member.size > 256 * 1024 * 1024:
        raise BackupError("The manifest is not a regular file of a sensible size.")
    try:
        manifest = json.load(archive.extractfile(member))  # type: ignore[arg-type]
    except ValueError:
        raise BackupError("The manifest is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a backup written by manage.py backup.")
    if manifest.get("version") != VERSION:
        raise BackupError(f"Backup format version {manifest.get('version')} is not supported.")
    for entry in manifest["files"]:
        if not _safe_name(entry["name"]):
            raise BackupError(f"The archive names an unsafe path: {entry['name']!r}.")
    return manifest


def _expected(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    expected = {DATABASE: manifest["database"]}
    for entry in manifest["files"]:
        expected[FILES + entry["name"]] = entry
    return expected


def _members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in archive:
        if member.name != MANIFEST:
            yield member


def _check_checksums(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member is listed in the manifest with its size and SHA-256, and vice versa."""
    expected = _expected(manifest)
    seen = set()
    for member in _members(archive):
        entry = expected.get(member.name)
        if entry is None or not member.isfile():
            raise BackupError(
                f"The archive holds {member.name!r}, which the manifest does not list."
            )
        reader = _Hashing(archive.extractfile(member))  # type: ignore[arg-type]
        while reader.read(CHUNK):
            pass
        if reader.size != entry["size"] or reader.sha256.hexdigest() != entry["sha256"]:
            raise BackupError(f"{member.name} does not match its checksum: the archive is damaged.")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} listed member(s), first {missing[0]}.")


def _check_fresh(manifest: dict[str, Any]) -> None:
    for model in backed_up_models():
        if model._base_manager.exists():
            raise BackupError(
                f"The database is not empty ({model._meta.label} has rows): restore only into "
                "a fresh installation (migrate a new, empty database first)."
            )
    storage = _private()
    for entry in manifest["files"]:
        if storage.exists(entry["name"]):
            raise BackupError(
                f"The file storage already holds {entry['name']!r}: restore only into an "
                "empty storage."
            )
    here = _applied_migrations()
    if here != manifest["migrations"]:
        apps_differing = sorted(
            app
            for app in set(here) | set(manifest["migrations"])
            if here.get(app) != manifest["migrations"].get(app)
        )
        raise BackupError(
            "This installation's migrations differ from the backup's in "
            f"{', '.join(apps_differing)}: install the same version of the portal and run "
            "migrate first."
        )


def _restore_files(archive: tarfile.TarFile, written: list[str]) -> None:
    storage = _private()
    for member in _members(archive):
        if not member.name.startswith(FILES):
            continue
        name = member.name[len(FILES) :]
        source = archive.extractfile(member)
        saved = storage.save(name, File(source, name=posixpath.basename(name)))
        written.append(saved)
        if saved != name:
            raise BackupError(f"The storage stored {name!r} as {saved!r}; nothing was restored.")


def _check_record(manifest: dict[str, Any]) -> list[str]:
    lines = []
    heads = manifest["record_heads"]
    for centre_id in sorted(set(RecordEntry.objects.values_list("centre_id", flat=True))):
        report = verify_centre(centre_id)
        if report.first_break:
            raise BackupError(f"The restored record does not verify: {report.first_break}")
        expected = heads.get(str(centre_id))
        if not expected or expected["entry_hash"] != report.head_hash:
            raise BackupError(
                f"Centre {centre_id}: the restored record's head is not the one backed up."
            )
        lines.append(
            f"Centre {centre_id}: {report.entries} entries, chain intact, head {report.head_hash}"
        )
    if len(lines) != len(heads):
        raise BackupError("The restored record lacks a centre the backup had.")
    return lines


def restore_read(path: Path) -> RestoreSummary:
    """Restore the archive at ``path`` into this fresh installation."""
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Cannot read {path}: {error}") from None
    written: list[str] = []
    with archive, tempfile.TemporaryDirectory(prefix="restore-") as work:
        manifest = _read_manifest(archive)
        _check_checksums(archive, manifest)
        _check_fresh(manifest)
        dump = Path(work) / DATABASE
        with dump.open("wb") as out:
            source = archive.extractfile(archive.getmember(DATABASE))
            while chunk := source.read(CHUNK):  # type: ignore[union-attr]
                out.write(chunk)
        try:
            with transaction.atomic():
                # loaddata saves with Model.save_base(raw=True), which inserts each record
                # entry as it was (RecordEntry.save and the queryset's guards are not
                # involved, and the PostgreSQL trigger only refuses UPDATE and DELETE of
                # existing rows).
                call_command("loaddata", str(dump), verbosity=0)
                _restore_files(archive, written)
                centres = _check_record(manifest)
        except BaseException:
            storage = _private()
            for name in written:
                storage.delete(name)
            raise
    return RestoreSummary(manifest["database"]["objects"], len(written), centres)
