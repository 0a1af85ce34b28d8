"""Writes for centre administration. Each validates with full_clean() inside a transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre
from standards.models import Standard

ROLE_FIELDS = ("is_learner", "is_assessor", "is_iqa", "is_centre_admin")


def send_invitation(*, request: HttpRequest, user: User) -> None:
    """Email the person a one-time link to choose their password.

    Uses Django's password-reset token and confirm page; the reset form itself skips
    accounts without a usable password, which is exactly what a new invitee has.
    """
    context = {
        "user": user,
        "domain": request.get_host(),
        "protocol": "https" if request.is_secure() else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    PasswordResetForm().send_mail(
        "registration/invitation_subject.txt",
        "registration/invitation_email.html",
        context,
        None,
        user.email,
    )


@transaction.atomic
def person_create(
    *,
    centre: Centre,
    username: str,
    full_name: str,
    email: str = "",
    roles: dict[str, bool],
    initial_password: str = "",
) -> User:
    user = User(centre=centre, username=username, full_name=full_name, email=email)
    for field in ROLE_FIELDS:
        setattr(user, field, bool(roles.get(field)))
    if initial_password:
        user.set_password(initial_password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def person_update(
    *, person: User, acting: User, full_name: str, email: str, roles: dict[str, bool]
) -> User:
    person.full_name = full_name
    person.email = email
    for field in ROLE_FIELDS:
        setattr(person, field, bool(roles.get(field)))
    if person == acting and not person.is_centre_admin:
        raise ValueError("You cannot remove your own centre admin role.")
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_set_active(*, person: User, acting: User, active: bool) -> User:
    if person == acting and not active:
        raise ValueError("You cannot deactivate your own account.")
    person.is_active = active
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def enrolment_create(
    *,
    centre: Centre,
    learner: User,
    standard: Standard,
    assessor: User | None,
    iqa: User | None,
    start_date: datetime.date,
    target_end_date: datetime.date,
) -> Enrolment:
    for person in (learner, assessor, iqa):
        if person is not None and person.centre_id != centre.pk:
            raise ValueError("Everyone on an enrolment must belong to the centre.")
    enrolment = Enrolment(
        centre=centre,
        learner=learner,
        standard=standard,
        assessor=assessor,
        iqa=iqa,
        start_date=start_date,
        target_end_date=target_end_date,
    )
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_update(*, enrolment: Enrolment, **changes: Any) -> Enrolment:
    allowed = {"assessor", "iqa", "start_date", "target_end_date", "status"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of an enrolment.")
    for person in (changes.get("assessor"), changes.get("iqa")):
        if person is not None and person.centre_id != enrolment.centre_id:
            raise ValueError("Everyone on an enrolment must belong to the centre.")
    for field, value in changes.items():
        setattr(enrolment, field, value)
    enrolment.full_clean()
    enrolment.save()
    return enrolment
