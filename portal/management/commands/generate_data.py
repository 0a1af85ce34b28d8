from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.generate import GeneratedAlready, Generator, Size, rows_per_second


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic centres, learners, evidence and a verifiable record "
        "at national size (COPY on PostgreSQL, inserts elsewhere), on top of the demo data "
        "(whose logins then see data at size). Default: 50 centres, 20,000 learners, 40,000 "
        "enrolments, 1,000,000 evidence items, 4,000,000 mappings; --scale 0.01 for a "
        "hundredth. Refuses when DEBUG is off (the demo passwords are known)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every size.")
        default = Size()
        for name in ("centres", "learners", "enrolments", "items", "mappings", "files"):
            parser.add_argument(
                f"--{name}",
                type=int,
                help=f"Exactly this many {name} (default {getattr(default, name):,} x scale).",
            )
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Do not build the demo centres and logins first (faster; generated only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Generated data has known passwords: refusing to run with DEBUG off."
            )
        if options["scale"] <= 0:
            raise CommandError("--scale must be above 0.")
        size = Size().scaled(options["scale"])
        overrides = {
            name: options[name]
            for name in ("centres", "learners", "enrolments", "items", "mappings", "files")
            if options[name] is not None
        }
        if any(value < 1 for value in overrides.values()):
            raise CommandError("Every size must be at least 1.")
        size = Size(**{**size.__dict__, **overrides})
        if size.centres < 1 or size.learners < size.centres or size.enrolments < size.learners:
            raise CommandError("Need at least one learner per centre and one enrolment each.")
        if size.items < size.enrolments:
            raise CommandError("Need at least one evidence item per enrolment.")
        generator = Generator(size, seed=options["seed"], demo=not options["no_demo"])
        if options["verbosity"] >= 2:
            generator.progress = self.stdout.write
        self.stdout.write(f"Generating {size} ...")
        try:
            report = generator.run()
        except GeneratedAlready as error:
            raise CommandError(str(error)) from error
        for line in rows_per_second(report):
            self.stdout.write(line)
