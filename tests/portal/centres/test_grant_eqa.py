from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import RecordEntry
from assessments.record import verify_centre
from portal.accounts.models import User
from tests.factories import UserFactory


def _grant(people, username: str, *extra: str, by: str = "root", days: int = 30) -> str:
    out = StringIO()
    expires = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    call_command(
        "grant_eqa", username, "--centre", people.centre.name, "--expires", expires,
        "--by", by, *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_operator_creates_an_eqa_and_grants_a_centre(people) -> None:
    UserFactory(username="root", centre=None, is_superuser=True)
    assert "may read Alpha Centre" in _grant(people, "eve", "--full-name", "Eve Examiner")
    eve = User.objects.get(username="eve")
    assert eve.is_eqa and not eve.is_superuser and not eve.is_staff and eve.centre is None
    assert not eve.has_usable_password()
    entry = RecordEntry.objects.get(action="admin_change")
    assert entry.payload["model"] == "centres.eqagrant" and entry.centre == people.centre
    _grant(people, "eve", days=60)  # extend
    assert eve.eqa_grants.get().expires_on == timezone.localdate() + datetime.timedelta(days=60)
    assert verify_centre(people.centre.pk).first_break is None


def test_refusals_are_clear(people) -> None:
    UserFactory(username="root", centre=None, is_superuser=True)
    with pytest.raises(CommandError, match="not a platform operator"):
        _grant(people, "eve", "--full-name", "Eve", by=people.admin.username)
    with pytest.raises(CommandError, match="full name"):
        _grant(people, "eve")
    with pytest.raises(CommandError, match="not an external quality assurer"):
        _grant(people, people.assessor.username)
    with pytest.raises(CommandError, match="already passed"):
        _grant(people, "eve", "--full-name", "Eve", days=-1)
    assert not RecordEntry.objects.exists()
