"""The daily expiry reminder: emails each assessor or IQA (centre admins copied in) whose
qualification expires within 60 days, once per qualification and expiry date. Run it once a
day from the scheduler, beside ``send_digests``; running it again sends nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.staff.services import qualification_reminders_send


class Command(BaseCommand):
    help = "Email reminders of qualifications expiring within 60 days (once per expiry date)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = qualification_reminders_send()
        self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent.")
