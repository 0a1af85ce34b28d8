"""python manage.py import_standard FILE [--replace]

Checks the whole file first and imports nothing if anything is wrong, printing every problem
with its location. The format is described in docs/standard-format.md.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from standards.importer import MAX_FILE_BYTES
from standards.services import ImportRefused, standards_import


class Command(BaseCommand):
    help = (
        "Import standards from a JSON file: our own format (docs/standard-format.md) or a "
        "CASE 1.0 package (CFPackage)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="The JSON file to import.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace standards with the same slug, or the same code and version, "
            "if no one is enrolled on them.",
        )

    def handle(self, *args: Any, file: Path, replace: bool, **options: Any) -> None:
        try:
            size = file.stat().st_size
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        if size > MAX_FILE_BYTES:
            raise CommandError(
                f"{file}: the file is {size / (1024 * 1024):.1f} MB; at most 5 MB can be "
                "imported at once. Nothing was imported."
            )
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = standards_import(data=data, replace=replace)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"{file}: {problem}")
            count = len(refused.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
            ) from None
        for standard in result.standards:
            self.stdout.write(f"Imported {standard.slug}: {standard}")
        if result.replaced:
            self.stdout.write(f"Replaced {result.replaced} existing standard(s).")
        if result.ignored_equivalences:
            self.stdout.write(
                f"Ignored {result.ignored_equivalences} equivalence group(s) in the file."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.criteria} criteria imported; {result.equivalence_groups} "
                "equivalence groups after recomputing."
            )
        )
