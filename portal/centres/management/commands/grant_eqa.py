"""Grant an external quality assurer read access to a centre until a date.

    manage.py grant_eqa USERNAME --centre "Demo Training Centre" --expires 2027-11-30 \\
        --by operator [--full-name "Erin Example" --email erin@awarding.example]

Creates the EQA's account (no centre, no password: they set one through the password-reset
link) when it does not exist yet. The grant is written to the centre's record.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import User
from portal.centres.models import Centre
from portal.centres.services import eqa_grant


class Command(BaseCommand):
    help = "Grant an external quality assurer read access to one centre until a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--centre", required=True, help="The centre's name.")
        parser.add_argument("--expires", required=True, help="Last day of access, YYYY-MM-DD.")
        parser.add_argument("--by", required=True, help="The platform operator's username.")
        parser.add_argument("--full-name", default="", help="For a new account.")
        parser.add_argument("--email", default="", help="For a new account.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            expires = datetime.date.fromisoformat(options["expires"])
        except ValueError as error:
            raise CommandError(f"--expires: {error}; use YYYY-MM-DD.") from error
        centre = Centre.objects.filter(name=options["centre"]).first()
        if centre is None:
            raise CommandError(f"No centre is called {options['centre']!r}.")
        operator = User.objects.filter(username=options["by"], is_superuser=True).first()
        if operator is None:
            raise CommandError(f"{options['by']!r} is not a platform operator (a superuser).")
        try:
            grant = eqa_grant(
                operator=operator,
                username=options["username"],
                centre=centre,
                expires_on=expires,
                full_name=options["full_name"],
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{grant.user.username} may read {centre} until {expires:%d/%m/%Y}.")
