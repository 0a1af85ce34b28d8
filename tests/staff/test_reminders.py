"""The daily expiry reminder: once per qualification and expiry date, to the person with the
centre's admins copied in."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.staff import services
from tests.staff.helpers import qualification


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_reminder_is_sent_once_per_expiry_date(people) -> None:
    soon = qualification(people.assessor, expires_on=_days(30))
    qualification(people.assessor, title="Far off", expires_on=_days(61))
    qualification(people.assessor, title="Expired", expires_on=_days(-1))
    qualification(people.iqa, title="No expiry")
    call_command("send_qualification_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people.assessor.email]
    assert message.cc == [people.admin.email]
    assert "Assessor award" in message.subject
    assert "expires in 30 days" in message.body
    assert f"/staff/people/{people.assessor.pk}/" in message.body
    call_command("send_qualification_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    # Renewed to another date still inside the window: a new window, a new reminder.
    services.qualification_save(
        person=people.assessor, fields={"expires_on": _days(50)}, qualification=soon
    )
    assert services.qualification_reminders_send() == 1
    assert services.qualification_reminders_send() == 0


def test_no_reminder_for_deactivated_staff(people) -> None:
    qualification(people.assessor, expires_on=_days(5))
    people.assessor.is_active = False
    people.assessor.save()
    assert services.qualification_reminders_send() == 0
    assert mail.outbox == []
