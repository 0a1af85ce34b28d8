from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.portfolio.verify import verify_pdf


class Command(BaseCommand):
    help = "Say whether an exported portfolio PDF matches the portal's record, and what differs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = verify_pdf(path)
        self.stdout.write(result.verdict)
        if result.document is not None:
            self.stdout.write(
                f"Code {result.code}: {result.document.learner.display_name}, "
                f"exported {result.document.created_at:%Y-%m-%d %H:%M} UTC"
            )
        for line in result.problems + result.updates:
            self.stdout.write(f"- {line}")
        if not result.matches:
            raise CommandError("The PDF does not match the portal's record.", returncode=1)
