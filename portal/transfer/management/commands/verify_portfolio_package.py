"""``manage.py verify_portfolio_package PACKAGE.zip``: check a package without importing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.transfer.verify import PackageError, package_check


class Command(BaseCommand):
    help = "Check a portable portfolio package: signature, record entry hashes, file hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("package", help="Path of the ZIP package.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["package"])
        try:
            with path.open("rb") as upload:
                checked = package_check(upload, size=path.stat().st_size)
        except OSError as error:
            raise CommandError(str(error)) from error
        except PackageError as error:
            raise CommandError(" ".join(error.messages)) from error
        manifest = checked.manifest
        trust = (
            "a key this installation trusts"
            if checked.trusted
            else "a key this installation does not know (compare it with the sender's "
            "published key, then add it to TRANSFER_TRUSTED_KEY_IDS)"
        )
        self.stdout.write(
            f"Valid: {manifest['learner']['name']} from {manifest['centre']['name']} "
            f"({manifest['installation']}), {len(manifest['record'])} record entries whose "
            f"hashes match, {len(checked.files)} file(s) whose SHA-256 match; signed with key "
            f"{checked.key_id} ({trust})."
        )
