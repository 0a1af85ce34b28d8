from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.backup import BackupError, restore_read


class Command(BaseCommand):
    help = (
        "Restore an archive written by manage.py backup into a fresh installation (migrated, "
        "empty database and file storage): checks every checksum first, loads the rows and "
        "files in one transaction, then verifies each centre's decision record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The archive to restore.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_read(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for line in summary.centres:
            self.stdout.write(line)
        self.stdout.write(f"Restored {summary.objects} rows and {summary.files} files.")
