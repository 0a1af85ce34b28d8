from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import User
from portal.portfolio import services
from portal.portfolio.models import PortfolioExport


class Command(BaseCommand):
    help = "Write one learner's portfolio (all their enrolments at their centre) as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--output", required=True, help="Where to write the PDF.")

    def handle(self, *args: Any, **options: Any) -> None:
        learner = User.objects.filter(username=options["username"]).first()
        if learner is None or learner.centre_id is None:
            raise CommandError(f"No learner with a centre is called {options['username']!r}.")
        export = PortfolioExport.objects.create(
            requested_by=None,
            centre=learner.centre,
            scope=PortfolioExport.Scope.LEARNER,
            scope_label=f"Portfolio of {learner.display_name} (command line)",
            progress_total=1,
        )
        export.learners.set([learner])
        document = services.export_render_learner(export_id=export.pk, learner_id=learner.pk)
        export.refresh_from_db()
        if document is None or export.status != PortfolioExport.Status.DONE:
            raise CommandError(f"The export failed: {export.error}")
        output = Path(options["output"])
        with document.file.open("rb") as handle:
            output.write_bytes(handle.read())
        self.stdout.write(
            f"Wrote {output}: {document.pages} pages, {document.size} bytes, "
            f"verification code {document.verification_code}, SHA-256 {document.sha256}"
        )
