"""Who may reach badges.

A learner's own badges page and claiming are for learners (anyone else signed in gets a 403);
an enrolment or badge that is not the learner's own is a 404, whoever's it is. The issuer
profile, the public keys, the revocation lists and the verification page are public: anyone
checking a badge must be able to reach them without an account.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments.models import Enrolment
from portal.badges.models import Badge
from portal.centres.models import Centre


def require_learner(user: Any) -> None:
    if not user.is_learner:
        raise PermissionDenied("Badges are claimed by learners.")


def enrolment_for_learner(user: Any, pk: int) -> Enrolment:
    require_learner(user)
    enrolment = (
        Enrolment.objects.select_related("standard", "centre", "learner")
        .filter(pk=pk, learner=user)
        .first()
    )
    if enrolment is None:
        raise Http404("No such unit of yours.")
    return enrolment


def badge_for_learner(user: Any, pk: int) -> Badge:
    require_learner(user)
    badge = Badge.objects.filter(pk=pk, learner=user).first()
    if badge is None:
        raise Http404("No such badge of yours.")
    return badge


def public_centre(pk: int) -> Centre:
    centre = Centre.objects.filter(pk=pk).first()
    if centre is None:
        raise Http404("No such issuer.")
    return centre
