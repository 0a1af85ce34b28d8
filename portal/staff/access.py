"""Who may see and change staff competence and quality records.

- A centre's staff (assessors, IQAs, centre admins) read its standardisation records, its
  witness register and its observations (an assessor only the observations of themselves).
- A person's competence page (qualifications, statements, CPD) is read by that person, the
  centre's IQAs and admins; written by the person and the centre's admins.
- Standardisation is written by IQAs and admins; observations by IQAs; the witness register
  by admins. The observed assessor alone acknowledges an observation.
- The reports are read by IQAs and admins.
- An external quality assurer reads all of it for a centre granted to them, and writes
  nothing (403).

Another centre's object, or one outside the user's reach, is a 404; a signed-in user with no
staff role (a learner) gets a 403; a read-only role asking to write gets a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from portal.accounts.models import User
from portal.centres.access import centres_for_eqa
from portal.centres.models import Centre
from portal.staff.models import (
    CpdEntry,
    ExpertWitness,
    Observation,
    Qualification,
    StandardisationAction,
    StandardisationActivity,
)


def is_staff_member(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.centre_id
        and (user.is_assessor or user.is_iqa or user.is_centre_admin)
    )


def _require_reader(user: Any) -> None:
    if not (is_staff_member(user) or (user.is_authenticated and user.is_eqa)):
        raise PermissionDenied("This page is for a centre's staff.")


def _readable_centre(user: Any, centre_id: int) -> None:
    """404 unless the user is staff of that centre or an EQA granted it."""
    if user.is_eqa:
        if not centres_for_eqa(user).filter(pk=centre_id).exists():
            raise Http404("No such centre granted to you.")
    elif user.centre_id != centre_id:
        raise Http404("Not your centre.")


def _deny_writer(user: Any, allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(f"You may read, not change, {what}.")


def get_centre_for(user: Any, pk: int, *, reports: bool = False) -> Centre:
    """A centre's staff pages: its staff read them, its granted EQA reads them.
    ``reports``: only IQAs, admins and the EQA (an assessor gets a 403)."""
    _require_reader(user)
    _readable_centre(user, pk)
    if reports and not (user.is_eqa or user.is_iqa or user.is_centre_admin):
        raise PermissionDenied("The staff reports are for IQAs and centre admins.")
    return Centre.objects.get(pk=pk)


def require_standardisation_writer(user: Any, centre: Centre) -> None:
    _deny_writer(
        user,
        not user.is_eqa and (user.is_iqa or user.is_centre_admin),
        "standardisation records (IQAs and centre admins write them)",
    )


def require_observer(user: Any, centre: Centre) -> None:
    _deny_writer(user, not user.is_eqa and user.is_iqa, "observations (IQAs record them)")


def require_witness_register_writer(user: Any, centre: Centre) -> None:
    _deny_writer(
        user, not user.is_eqa and user.is_centre_admin, "the witness register (admins keep it)"
    )


def staff_of(centre_id: int) -> QuerySet[User]:
    """The people whose competence is kept: the centre's active assessors and IQAs."""
    return User.objects.filter(
        Q(is_assessor=True) | Q(is_iqa=True), centre_id=centre_id, is_active=True
    )


def get_person_for(user: Any, pk: int, *, write: bool = False) -> User:
    """A staff member's competence page. Read: themselves, their centre's IQAs and admins,
    a granted EQA. Write: themselves and their centre's admins."""
    _require_reader(user)
    person = User.objects.filter(Q(is_assessor=True) | Q(is_iqa=True), pk=pk).first()
    if person is None or person.centre_id is None:
        raise Http404("No such member of staff.")
    _readable_centre(user, person.centre_id)
    own = person.pk == user.pk
    if not (own or user.is_eqa or user.is_iqa or user.is_centre_admin):
        raise Http404("No such member of staff.")
    if write:
        _deny_writer(
            user, not user.is_eqa and (own or user.is_centre_admin), "this person's records"
        )
    return person


def get_qualification_for(user: Any, pk: int, *, write: bool = False) -> Qualification:
    row = Qualification.objects.filter(pk=pk).only("pk", "person_id").first()
    if row is None:
        raise Http404("No such qualification.")
    get_person_for(user, row.person_id, write=write)
    return Qualification.objects.select_related("person").get(pk=pk)


def get_cpd_entry_for(user: Any, pk: int, *, write: bool = False) -> CpdEntry:
    row = CpdEntry.objects.filter(pk=pk).only("pk", "person_id").first()
    if row is None:
        raise Http404("No such CPD entry.")
    get_person_for(user, row.person_id, write=write)
    return CpdEntry.objects.select_related("person").get(pk=pk)


def get_witness_for(user: Any, pk: int, *, write: bool = False) -> ExpertWitness:
    _require_reader(user)
    witness = ExpertWitness.objects.filter(pk=pk).first()
    if witness is None:
        raise Http404("No such witness.")
    _readable_centre(user, witness.centre_id)
    if write:
        require_witness_register_writer(user, witness.centre)
    return witness


def get_activity_for(user: Any, pk: int, *, write: bool = False) -> StandardisationActivity:
    _require_reader(user)
    activity = StandardisationActivity.objects.select_related("centre").filter(pk=pk).first()
    if activity is None:
        raise Http404("No such standardisation activity.")
    _readable_centre(user, activity.centre_id)
    if write:
        require_standardisation_writer(user, activity.centre)
    return activity


def get_action_for_closing(user: Any, pk: int) -> StandardisationAction:
    """An action is closed by its owner, or by an IQA or admin of the centre."""
    _require_reader(user)
    action = StandardisationAction.objects.select_related("activity").filter(pk=pk).first()
    if action is None:
        raise Http404("No such action.")
    _readable_centre(user, action.activity.centre_id)
    _deny_writer(
        user,
        not user.is_eqa and (action.owner_id == user.pk or user.is_iqa or user.is_centre_admin),
        "this action (its owner, IQAs and admins close it)",
    )
    return action


def observations_visible_to(user: Any, centre_id: int) -> QuerySet[Observation]:
    rows = Observation.objects.filter(centre_id=centre_id)
    if user.is_eqa or user.is_iqa or user.is_centre_admin:
        return rows
    return rows.filter(assessor=user)


def get_observation_for(user: Any, pk: int, *, acknowledge: bool = False) -> Observation:
    """IQAs, admins and a granted EQA read every observation of the centre; an assessor
    reads the ones of themselves and alone acknowledges them."""
    _require_reader(user)
    observation = Observation.objects.filter(pk=pk).only("pk", "centre_id").first()
    if observation is None:
        raise Http404("No such observation.")
    _readable_centre(user, observation.centre_id)
    observation = (
        observations_visible_to(user, observation.centre_id)
        .select_related("assessor", "observer", "enrolment__learner", "enrolment__standard")
        .filter(pk=pk)
        .first()
    )
    if observation is None:
        raise Http404("No such observation.")
    if acknowledge:
        _deny_writer(
            user,
            not user.is_eqa and observation.assessor_id == user.pk,
            "this observation (the observed assessor acknowledges it)",
        )
    return observation
