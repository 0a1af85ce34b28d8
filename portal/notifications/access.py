"""Who may use notifications: the people of a centre (learners, assessors, IQAs, admins).
An external quality assurer (in no centre, changing nothing) gets a 403: no event is told to
them. A notification is only its recipient's: anyone else's is a 404, whatever their role."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.notifications.models import Notification


def require_centre_person(user: Any) -> None:
    if getattr(user, "centre_id", None) is None:
        raise PermissionDenied("Notifications are for the people of a centre.")


def notification_for_user(user: Any, pk: int) -> Notification:
    require_centre_person(user)
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404("No such notification of yours.")
    return notification
