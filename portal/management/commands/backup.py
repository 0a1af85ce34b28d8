from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write one consistent archive (tar) of the database and every stored file, with a "
        "manifest of SHA-256 checksums. Restore it with manage.py restore (docs/deploy.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="The archive to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        if output.exists():
            raise CommandError(f"{output} exists already; choose a new name.")
        try:
            summary = backup_write(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Wrote {summary.path}: {summary.objects} rows, {summary.files} files "
            f"({summary.bytes} bytes)."
        )
