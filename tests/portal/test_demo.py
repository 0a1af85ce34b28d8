from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import User
from portal.centres.models import Centre


def test_demo_is_idempotent_and_creates_every_login(db, settings) -> None:
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)
    usernames = set(User.objects.values_list("username", flat=True))
    assert {
        "learner1",
        "learner2",
        "assessor1",
        "iqa1",
        "admin1",
        "learner3",
        "admin2",
    } <= usernames
    assert User.objects.get(username="learner1").check_password("demo")
    assert Centre.objects.filter(name="Demo Training Centre").count() == 1
    assert User.objects.get(username="learner3").centre.name != "Demo Training Centre"


def test_demo_refuses_without_debug(db, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")
    assert not User.objects.exists()
