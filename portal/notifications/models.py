"""Notifications: what a person is told, in the portal and by email, about decisions that
concern them.

They are derived, after the fact, from two things the lower layers already keep: the
append-only decision record (``assessments.RecordEntry``: acceptances, referrals, sign-offs,
IQA referrals, reopen requests, assessors' records, IQA actions) and evidence items'
submission times (``EvidenceItem.submitted_at``). ``portal.notifications.feed`` reads what is
new since its cursors and fans each event out to the people it concerns; no service or
signal below the portal knows about notifications. See docs/notifications.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """One event told to one person. ``text`` is plain text (escaped wherever it is shown);
    ``link`` is a path inside the portal that the recipient may open."""

    class Kind(models.TextChoices):
        EVIDENCE_ACCEPTED = "evidence_accepted", "Evidence accepted"
        EVIDENCE_REFERRED = "evidence_referred", "Evidence referred back"
        COUNTERSIGN_NEEDED = "countersign_needed", "Unit waiting for your countersignature"
        EVIDENCE_SUBMITTED = "evidence_submitted", "Evidence submitted"
        IQA_REFERRED = "iqa_referred", "Decision referred back by the IQA"
        REOPEN_REQUESTED = "reopen_requested", "Reopening requested"
        ACKNOWLEDGEMENT_NEEDED = (
            "acknowledgement_needed",
            "Assessor's record waiting for your acknowledgement",
        )
        QA_ACTION_RAISED = "qa_action_raised", "IQA action for you to answer"
        QA_ACTION_RETURNED = "qa_action_returned", "IQA action sent back to you"
        QA_ACTION_ANSWERED = "qa_action_answered", "Your IQA action answered"
        QA_ACTION_CLOSED = "qa_action_closed", "IQA action closed"

    class Email(models.TextChoices):
        PENDING = "pending", "Waiting to be emailed"
        SENT = "sent", "Emailed"
        NOT_SENT = "not_sent", "Not emailed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(
        "assessments.Enrolment",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose work it is about: erasing the learner deletes it.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300)
    occurred_at = models.DateTimeField(help_text="When the event happened.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What the event was ("record:<entry id>" or "submitted:<item id>:<time>"): one
    # notification per event and person however often the feed reads it.
    event_key = models.CharField(max_length=100)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(emailed_at__isnull=True) | Q(email="sent"),
                name="notification_emailed_at_only_when_sent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["email", "recipient"], name="notification_email_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailChoice(models.TextChoices):
    DAILY = "daily", "A daily digest"
    EACH = "each", "An email for each event"
    OFF = "off", "No email: I will look in the portal"


class NotificationPreference(models.Model):
    """How a person wants to hear by email. No row means the default: a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.DAILY)
    last_digest_on = models.DateField(
        null=True, blank=True, help_text="The day the last digest was sent: one a day at most."
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"


class RecordCursor(models.Model):
    """How far into a centre's decision record the feed has read (its last sequence)."""

    centre = models.OneToOneField("centres.Centre", on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.centre}: record read to #{self.sequence}"


class SubmissionCursor(models.Model):
    """Up to when evidence submissions have been read (one row). The feed reads again a
    window before it, so a submission committed late is not missed; ``event_key`` keeps a
    submission it reads twice from being told twice."""

    read_to = models.DateTimeField()

    def __str__(self) -> str:
        return f"Submissions read to {self.read_to:%Y-%m-%d %H:%M}"
