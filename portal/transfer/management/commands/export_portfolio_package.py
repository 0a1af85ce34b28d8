"""``manage.py export_portfolio_package USERNAME OUT.zip``: a learner's signed package."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import User
from portal.transfer.services import package_write


class Command(BaseCommand):
    help = "Write a learner's portable portfolio package (signed ZIP) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("output", help="Path of the ZIP file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        learner = User.objects.filter(username=options["username"]).select_related("centre").first()
        if learner is None or learner.centre is None:
            raise CommandError(f"No learner {options['username']!r} with a centre.")
        try:
            with open(options["output"], "wb") as out:
                built = package_write(
                    learner=learner, centre=learner.centre, requested_by=None, out=out
                )
        except (ValidationError, OSError) as error:
            raise CommandError(str(error)) from error
        manifest = built.manifest
        self.stdout.write(
            f"Wrote {options['output']}: {built.size} bytes, {len(manifest['standards'])} "
            f"standard(s), {len(manifest['evidence'])} evidence item(s), {built.files} file(s), "
            f"{len(manifest['record'])} record entries; signed with key {built.key_id[:16]}."
        )
