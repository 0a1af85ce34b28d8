"""Writes: reading notifications, choosing how to hear by email, and sending the emails.

Emails are only ever sent from the background: ``each_event_emails_send`` by the worker's
task (queued by the feed), ``digests_send`` by ``manage.py send_digests`` once a day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import EmailChoice, Notification, NotificationPreference

Email = Notification.Email


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def email_choice_for(user: Any) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email if preference else EmailChoice.DAILY


@transaction.atomic
def notification_preference_set(*, user: Any, email: str) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.email = email
    preference.full_clean()
    preference.save()
    if email == EmailChoice.OFF:
        Notification.objects.filter(recipient=user, email=Email.PENDING).update(
            email=Email.NOT_SENT
        )
    return preference


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _message(user: Any, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {
        **context,
        "user": user,
        "site_url": settings.SITE_URL,
        "settings_url": _absolute(reverse("notifications:settings")),
        "list_url": _absolute(reverse("notifications:list")),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def _entries(notifications: list[Notification]) -> list[dict]:
    return [
        {"n": n, "url": _absolute(n.link), "label": n.get_kind_display()} for n in notifications
    ]


def _wants(user: Any) -> str:
    preference = getattr(user, "notification_preference", None)
    return preference.email if preference else EmailChoice.DAILY


def each_event_emails_send() -> int:
    """Send one email per waiting notification to everyone who chose an email per event;
    return how many were sent. People who chose no email have theirs marked not sent."""
    sent = 0
    pending = (
        Notification.objects.filter(email=Email.PENDING)
        .filter(
            Q(recipient__notification_preference__email=EmailChoice.EACH)
            | Q(recipient__notification_preference__email=EmailChoice.OFF)
        )
        .values_list("pk", flat=True)
    )
    for pk in list(pending):
        sent += _send_one(pk)
    return sent


@transaction.atomic
def _send_one(pk: int) -> int:
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient__notification_preference")
        .filter(pk=pk, email=Email.PENDING)
        .first()
    )
    if notification is None:
        return 0
    user = notification.recipient
    wants = _wants(user)
    if wants == EmailChoice.DAILY:
        return 0  # changed their mind: the digest takes it
    if wants == EmailChoice.OFF or not user.email or not user.is_active:
        notification.email = Email.NOT_SENT
        notification.save(update_fields=["email"])
        return 0
    _message(
        user,
        notification.get_kind_display(),
        "event",
        {"entry": _entries([notification])[0]},
    ).send()
    notification.email = Email.SENT
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["email", "emailed_at"])
    return 1


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """One email per person who chose the daily digest, listing their notifications not yet
    emailed and still unread; at most one a day (``last_digest_on``). Return how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting = (
        Notification.objects.filter(email=Email.PENDING, created_at__lte=now)
        .exclude(recipient__notification_preference__email=EmailChoice.EACH)
        .values_list("recipient_id", "pk")
    )
    by_user: dict[int, list[int]] = defaultdict(list)
    for user_id, pk in waiting:
        by_user[user_id].append(pk)
    return sum(_send_digest(user_id, pks, now, today) for user_id, pks in by_user.items())


@transaction.atomic
def _send_digest(user_id: int, pks: list[int], now: datetime.datetime, today: Any) -> int:
    from portal.accounts.models import User

    user = User.objects.get(pk=user_id)
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if preference.email == EmailChoice.EACH:
        return 0
    rows = list(
        Notification.objects.select_for_update()
        .filter(pk__in=pks, email=Email.PENDING)
        .order_by("occurred_at", "pk")
    )
    unread = [n for n in rows if n.read_at is None]
    if preference.email == EmailChoice.OFF or not user.email or not user.is_active or not unread:
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(email=Email.NOT_SENT)
        return 0
    if preference.last_digest_on == today:
        return 0  # today's digest has gone: these wait for tomorrow's
    count = len(unread)
    subject = f"{count} update{'s' if count != 1 else ''} from your portfolio"
    _message(user, subject, "digest", {"entries": _entries(unread), "count": count}).send()
    Notification.objects.filter(pk__in=[n.pk for n in unread]).update(
        email=Email.SENT, emailed_at=now
    )
    Notification.objects.filter(pk__in=[n.pk for n in rows if n.read_at]).update(
        email=Email.NOT_SENT
    )
    preference.last_digest_on = today
    preference.save(update_fields=["last_digest_on"])
    return 1


def notifications_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete read notifications older than NOTIFICATION_RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, occurred_at__lt=cutoff).delete()
    return deleted


def notifications_erase_for(*, learner: Any) -> int:
    """Delete every notification about the learner's work (theirs and their assessors' and
    admins'), for the erasure of their personal data: the texts name them and their items."""
    deleted, _ = Notification.objects.filter(
        Q(recipient=learner) | Q(enrolment__learner=learner)
    ).delete()
    return deleted
