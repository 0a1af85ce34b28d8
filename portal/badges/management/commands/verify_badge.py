"""manage.py verify_badge FILE: check a badge (.jwt or .json) as the public page does.

Prints each check with passed/FAILED and exits 1 when any failed (naming the first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.badges.verify import MAX_BYTES, verify


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential (VC-JWT or our .json) issued by this portal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The badge file (.jwt or .json).")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            path = Path(name)
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{name} is larger than 64 KB: it is not a badge.")
            text = path.read_bytes().decode("utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error.strerror}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{name} is not text: it is not a badge.") from error
        report = verify(text)
        for check in report.checks:
            mark = "passed" if check.passed else "FAILED"
            self.stdout.write(f"{check.name}: {mark}. {check.message}")
        if report.failed:
            raise CommandError(f"Not valid: the {report.failed.name.lower()} check failed.")
        self.stdout.write(self.style.SUCCESS("Valid: every check passed."))
