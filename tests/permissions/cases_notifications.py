"""Rows for notifications: everyone of a centre has their own list and email settings; a
notification is its recipient's alone (anyone else gets a 404, whatever their role). The
external quality assurer, in no centre, is told nothing and gets a 403."""

from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import Notification
from tests.permissions.matrix import Case

SIGNED_IN = (
    "learner",
    "other_learner",
    "assessor",
    "iqa",
    "admin",
    "outsider_learner",
    "outsider_admin",
)
EVERYONE = dict.fromkeys(SIGNED_IN, 200)
EVERYONE_REDIRECTED = dict.fromkeys(SIGNED_IN, 302)
ALICE_ONLY = {**dict.fromkeys(SIGNED_IN, 404), "learner": 302}


def _alices(people) -> dict:
    """A notification for Alice (the learner) about her own evidence list."""
    notification = Notification.objects.create(
        recipient=people.learner,
        centre=people.centre,
        enrolment=people.enrolment,
        kind=Notification.Kind.EVIDENCE_ACCEPTED,
        text="Bob Assessor accepted E1 Care plan review",
        link=reverse("evidence:list"),
        occurred_at=timezone.now(),
        event_key="test:1",
    )
    return {"pk": notification.pk}


CASES = [
    Case("notifications:list", EVERYONE),
    Case("notifications:list", {}, method="post", default=405),
    Case("notifications:open", ALICE_ONLY, kwargs=_alices),
    Case("notifications:open", {}, method="post", default=405, kwargs=_alices),
    Case("notifications:read", ALICE_ONLY, method="post", kwargs=_alices),
    Case("notifications:read", {}, default=405, kwargs=_alices),
    Case("notifications:read_all", EVERYONE_REDIRECTED, method="post"),
    Case("notifications:read_all", {}, default=405),
    Case("notifications:settings", EVERYONE),
    Case(
        "notifications:settings",
        EVERYONE_REDIRECTED,
        method="post",
        data=lambda people: {"email": "off"},
    ),
    Case("notifications:settings", {}, method="put", default=405),
]
