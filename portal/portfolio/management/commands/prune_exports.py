from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.portfolio.services import exports_prune


class Command(BaseCommand):
    help = "Delete the files of portfolio exports past PORTFOLIO_EXPORT_TTL_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = exports_prune()
        self.stdout.write(f"Expired {count} export{'s' if count != 1 else ''}.")
