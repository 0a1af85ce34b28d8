"""Writes for centre administration. Each validates with full_clean() inside a transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessments.errors import NotPermittedError, WrongStateError, constraint_message
from assessments.models import Enrolment, RecordEntry
from assessments.services import record_append
from portal.accounts.models import User
from portal.centres.models import Centre, EqaGrant
from standards.access import standards_visible_to_centre
from standards.models import Standard

ROLE_FIELDS = ("is_learner", "is_assessor", "is_iqa", "is_centre_admin")
STAFF_ROLE_FIELDS = ("is_assessor", "is_iqa", "is_centre_admin")


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
    if not standards_visible_to_centre(centre.pk).filter(pk=standard.pk).exists():
        raise ValueError("That standard belongs to another centre.")
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
    _save_enrolment(enrolment)
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
    was_active = enrolment.status == Enrolment.Status.ACTIVE
    for field, value in changes.items():
        setattr(enrolment, field, value)
    is_active = enrolment.status == Enrolment.Status.ACTIVE
    if was_active and not is_active:
        enrolment.ended_on = timezone.localdate()  # the centre's retention period starts
    elif is_active:
        enrolment.ended_on = None
    enrolment.full_clean()
    _save_enrolment(enrolment)
    return enrolment


def _save_enrolment(enrolment: Enrolment) -> None:
    """Save; a constraint full_clean() could not see (another admin's save in between) is
    the same form error full_clean() would have given, not a 500."""
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        if message := constraint_message(Enrolment, error):
            raise ValidationError(message) from None
        raise


@transaction.atomic
def eqa_grant(
    *,
    operator: User,
    username: str,
    centre: Centre,
    expires_on: datetime.date,
    full_name: str = "",
    email: str = "",
) -> EqaGrant:
    """A platform operator creates (or finds) an external quality assurer's account and
    grants it read access to one centre until ``expires_on``; recorded in that centre's
    record. An existing grant's expiry is replaced (extended or shortened)."""
    if not operator.is_superuser:
        raise NotPermittedError("Only a platform operator grants external quality assurers.")
    if expires_on < timezone.localdate():
        raise WrongStateError({"expires_on": "The expiry date has already passed."})
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        if not full_name.strip():
            raise WrongStateError({"full_name": "Give the new EQA's full name."})
        user = User(username=username, full_name=full_name.strip(), email=email.strip())
        user.is_eqa = True
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif not user.is_eqa or user.centre_id is not None:
        raise WrongStateError(
            f"{username} is not an external quality assurer (EQAs belong to no centre)."
        )
    grant, _new = EqaGrant.objects.update_or_create(
        user=user, centre=centre, defaults={"expires_on": expires_on}
    )
    record_append(
        enrolment=None,
        centre_id=centre.pk,
        actor=operator,
        action=RecordEntry.Action.ADMIN_CHANGE,
        payload={
            "model": "centres.eqagrant",
            "object_id": str(grant.pk),
            "object": str(grant),
            "change": "added" if _new else "changed",
            "fields": {"expires_on": {"new": expires_on.isoformat()}},
            "account_created": created,
        },
    )
    return grant


@transaction.atomic
def centre_security_update(*, centre: Centre, require_staff_2fa: bool) -> Centre:
    """Turn two-factor log-in for the centre's staff on or off."""
    centre.require_staff_2fa = require_staff_2fa
    centre.full_clean()
    centre.save(update_fields=["require_staff_2fa"])
    return centre
