"""Email: a daily digest by default, an email per event when chosen, none when off; always
sent by the worker or the daily command, never in the request."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.notifications import services
from portal.notifications.feed import notifications_collect
from portal.notifications.models import EmailChoice, Notification, NotificationPreference
from review import services as review_services
from tests.notifications.helpers import submitted_item

Email = Notification.Email


@pytest.fixture
def two_events(people, django_capture_on_commit_callbacks):
    """Two of Alice's items decided: one accepted, one referred back."""

    def make() -> None:
        accepted = submitted_item(people.enrolment, title="Care plan <b>review</b>")
        referred = submitted_item(people.enrolment, title="Handover notes")
        review_services.evidence_accept(item=accepted, assessor=people.assessor)
        review_services.evidence_refer(
            item=referred, assessor=people.assessor, feedback="Add the date & time."
        )
        with django_capture_on_commit_callbacks(execute=True):
            notifications_collect()

    return make


def test_the_request_sends_nothing(people, two_events) -> None:
    """Deciding evidence makes no email at all; the feed makes none for a digest reader."""
    client = people.client_for(people.assessor)
    item = submitted_item(people.enrolment)
    response = client.post(f"/evidence/{item.pk}/review/decide/", {"decision": "accept"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "accepted"
    assert mail.outbox == []
    assert not Notification.objects.exists()  # made later, by the feed in the background
    two_events()
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.PENDING}


def test_daily_digest_batches_events_into_one_email_a_day(people, two_events, settings) -> None:
    settings.SITE_URL = "https://portal.example.org"
    two_events()
    assert services.digests_send() == 1
    (message,) = mail.outbox
    assert message.to == [people.learner.email]
    assert message.subject == "2 updates from your portfolio"
    assert "Bob Assessor accepted E" in message.body and "Handover notes" in message.body
    assert "Add the date & time." in message.body  # plain text is not HTML-escaped
    assert "https://portal.example.org/evidence/" in message.body
    assert "https://portal.example.org/notifications/settings/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Care plan &lt;b&gt;review&lt;/b&gt;" in html and "<b>review" not in html
    assert "Add the date &amp; time." in html
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.SENT}
    # The same day, nothing more, even with a new event: it waits for tomorrow's digest.
    item = submitted_item(people.enrolment)
    review_services.evidence_accept(item=item, assessor=people.assessor)
    notifications_collect()
    assert services.digests_send() == 0
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert services.digests_send(now=tomorrow) == 1
    assert mail.outbox[1].subject == "1 update from your portfolio"
    assert NotificationPreference.objects.get(user=people.learner).last_digest_on == (
        timezone.localdate(tomorrow)
    )


def test_digest_leaves_out_what_was_read_in_the_portal(people, two_events) -> None:
    two_events()
    read = Notification.objects.filter(kind="evidence_accepted").get()
    services.notification_mark_read(notification=read)
    services.digests_send()
    (message,) = mail.outbox
    assert message.subject == "1 update from your portfolio"
    assert "Handover notes" in message.body and "accepted" not in message.body
    read.refresh_from_db()
    assert read.email == Email.NOT_SENT
    services.notifications_mark_all_read(user=people.learner)
    mail.outbox.clear()
    assert services.digests_send(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_each_event_mode_sends_one_email_per_event_from_the_worker(people, two_events) -> None:
    services.notification_preference_set(user=people.learner, email=EmailChoice.EACH)
    two_events()  # the feed queues the worker's task, which (eager in tests) sends
    assert sorted(m.subject for m in mail.outbox) == [
        "Evidence accepted",
        "Evidence referred back",
    ]
    assert all(m.to == [people.learner.email] for m in mail.outbox)
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.SENT}
    assert services.digests_send() == 0
    assert services.each_event_emails_send() == 0  # sent once only


def test_email_off_sends_nothing(people, two_events) -> None:
    services.notification_preference_set(user=people.learner, email=EmailChoice.OFF)
    two_events()
    assert services.digests_send() == 0
    assert services.each_event_emails_send() == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.NOT_SENT}
    # The notifications are still there in the portal.
    assert Notification.objects.filter(recipient=people.learner, read_at=None).count() == 2


def test_no_address_no_email(people, two_events) -> None:
    people.learner.email = ""
    people.learner.save()
    two_events()
    assert services.digests_send() == 0
    assert mail.outbox == []


def test_changing_from_each_to_daily_leaves_waiting_ones_for_the_digest(people) -> None:
    services.notification_preference_set(user=people.learner, email=EmailChoice.EACH)
    item = submitted_item(people.enrolment)
    review_services.evidence_accept(item=item, assessor=people.assessor)
    notifications_collect()  # task not run: its on-commit hook is never called in this test
    services.notification_preference_set(user=people.learner, email=EmailChoice.DAILY)
    assert services.each_event_emails_send() == 0
    assert services.digests_send() == 1


def test_send_digests_command(people, two_events) -> None:
    """The daily command collects first, so an event of the last minute is in the digest."""
    from io import StringIO

    item = submitted_item(people.enrolment, title="Fluid chart")
    review_services.evidence_accept(item=item, assessor=people.assessor)
    out = StringIO()
    call_command("send_digests", stdout=out)
    # The assessor is told of nothing waiting (accepted); Alice gets a digest.
    assert "1 digest sent" in out.getvalue()
    assert "Fluid chart" in mail.outbox[0].body
    old = Notification.objects.get()
    old.read_at = timezone.now()
    old.occurred_at = timezone.now() - datetime.timedelta(days=400)
    old.save()
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "1 old notification deleted" in out.getvalue()
    assert not Notification.objects.exists()


def test_collect_notifications_command(people) -> None:
    from io import StringIO

    submitted_item(people.enrolment)
    out = StringIO()
    call_command("collect_notifications", stdout=out)
    assert out.getvalue().strip() == "1 notification created."
    assert Notification.objects.get().recipient == people.assessor
