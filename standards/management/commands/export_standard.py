"""python manage.py export_standard SLUG [--output FILE]

Writes the standard as a CASE 1.0 CFPackage (JSON), the same package its CASE URI serves.
Exporting twice gives the same bytes.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from standards import case
from standards.models import Standard


class Command(BaseCommand):
    help = "Export a standard as a CASE 1.0 package (CFPackage JSON)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="The standard's slug, e.g. scdcpc509-v2.")
        parser.add_argument("--output", type=Path, help="Write here instead of to stdout.")

    def handle(self, *args: Any, slug: str, output: Path | None, **options: Any) -> None:
        standard = Standard.objects.filter(slug=slug).first()
        if standard is None:
            raise CommandError(f"No standard with the slug {slug!r}.")
        text = case.dumps(case.package(standard))
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {standard} to {output}.")
