from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.portfolio.forms import normalise_code
from portal.portfolio.verify import verify_code, verify_pdf


class Command(BaseCommand):
    help = (
        "Say whether an exported portfolio PDF (or what was exported under a verification "
        "code) matches the portal's record, and what differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The PDF, or its verification code (PF-XXXX-XXXX-XXXX)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        code = "" if path.is_file() else normalise_code(options["file"])
        if not path.is_file() and not code:
            raise CommandError(f"No such file, and not a verification code: {path}")
        result = verify_code(code) if code else verify_pdf(path)
        self.stdout.write(result.verdict)
        if result.document is not None:
            self.stdout.write(
                f"Code {result.code}: {result.learner_name}, "
                f"exported {result.document.export.created_at:%Y-%m-%d %H:%M} UTC"
            )
            self.stdout.write(f"SHA-256 of the PDF as exported: {result.document.sha256}")
            if result.head is not None:
                self.stdout.write(
                    f"Record head at export: #{result.head.sequence} {result.head.entry_hash}"
                )
        for line in result.problems + result.updates:
            self.stdout.write(f"- {line}")
        if not result.matches:
            what = "The export" if result.by_code else "The PDF"
            raise CommandError(f"{what} does not match the portal's record.", returncode=1)
