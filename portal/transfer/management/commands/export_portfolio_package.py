"""``manage.py export_portfolio_package USERNAME OUT.zip``: a learner's signed package.

Made by the same export as from the web (``export_package_now``): the PDF is rendered once,
to bytes, stored and registered as the export's document (so ``/portfolio/verify/`` knows
its code), and the package is stored as the export's download (pruned when it expires like
any export); the command copies that download to ``OUT.zip`` in chunks.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import User
from portal.portfolio.services import export_package_now
from portal.transfer.services import FILES, MANIFEST, SIGNATURE


class Command(BaseCommand):
    help = "Write a learner's portable portfolio package (signed ZIP) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("output", help="Path of the ZIP file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        learner = User.objects.filter(username=options["username"]).select_related("centre").first()
        if learner is None or learner.centre is None:
            raise CommandError(f"No learner {options['username']!r} with a centre.")
        output = Path(options["output"])
        try:
            export = export_package_now(learner=learner)
            with export.result.open("rb") as source, output.open("wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        except (ValidationError, OSError) as error:
            output.unlink(missing_ok=True)
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            raise CommandError(str(message)) from error
        with zipfile.ZipFile(output) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            key_id = json.loads(archive.read(SIGNATURE))["key_id"]
            files = sum(1 for name in archive.namelist() if name.startswith(FILES))
        self.stdout.write(
            f"Wrote {output}: {export.size} bytes, {len(manifest['standards'])} standard(s), "
            f"{len(manifest['evidence'])} evidence item(s), {files} file(s), "
            f"{len(manifest['record'])} record entries; signed with key {key_id[:16]}. "
            f"The PDF's verification code {manifest['pdf']['verification_code']} can be "
            "checked at /portfolio/verify/."
        )
