from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo centres and accounts. Refuses to run when DEBUG is off."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo data has known passwords: refusing to run with DEBUG off.")
        accounts = build_demo(timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<10} {account.description}")
