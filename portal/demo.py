"""Demo data: two centres and one account per role, all with the password ``demo``.

Idempotent: running it again updates the same rows rather than adding new ones.
Later features add evidence and decisions through their own services.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction

from assessments.models import Enrolment
from evidence.demo import add_demo_evidence
from portal.accounts.models import User
from portal.centres.models import Centre, EqaGrant
from portal.staff.demo import add_demo_staff
from portal.visits.demo import add_demo_visits
from quality.demo import add_demo_quality
from review.demo import add_demo_decisions
from standards.models import Standard

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo password, refused when DEBUG is off
DEMO_CENTRE = "Demo Training Centre"
SECOND_CENTRE = "Northfield Care Academy"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    centre: str | None
    roles: tuple[str, ...]
    description: str


ACCOUNTS = [
    DemoAccount("learner1", "Lena Learner", DEMO_CENTRE, ("is_learner",), "learner"),
    DemoAccount("learner2", "Liam Learner", DEMO_CENTRE, ("is_learner",), "learner"),
    DemoAccount("assessor1", "Asha Assessor", DEMO_CENTRE, ("is_assessor",), "assessor"),
    DemoAccount("iqa1", "Ian Quality", DEMO_CENTRE, ("is_iqa",), "internal quality assurer"),
    DemoAccount("admin1", "Ada Admin", DEMO_CENTRE, ("is_centre_admin",), "centre admin"),
    DemoAccount("learner3", "Lucy Learner", SECOND_CENTRE, ("is_learner",), "learner, 2nd centre"),
    DemoAccount("admin2", "Alan Admin", SECOND_CENTRE, ("is_centre_admin",), "admin, 2nd centre"),
    DemoAccount("eqa1", "Eve External", None, ("is_eqa",), "external QA, demo centre"),
]

# (learner, standard slug, assessor, iqa)
ENROLMENTS = [
    ("learner1", "scdcpc306", "assessor1", "iqa1"),
    ("learner1", "scdcpc509-v2", "assessor1", "iqa1"),
    ("learner2", "manage-finance", "assessor1", "iqa1"),
    ("learner2", "cpc509-2008", "assessor1", "iqa1"),
    ("learner3", "scdcpc306", None, None),
]


def _account(spec: DemoAccount, centres: dict[str, Centre]) -> User:
    user, _ = User.objects.get_or_create(username=spec.username)
    user.full_name = spec.full_name
    user.email = f"{spec.username}@example.org"
    user.centre = centres[spec.centre] if spec.centre else None
    for role in ("is_learner", "is_assessor", "is_iqa", "is_centre_admin", "is_eqa"):
        setattr(user, role, role in spec.roles)
    # Only platform operators are staff or superusers; no demo account is.
    user.is_superuser = user.is_staff = False
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def build_demo(today: datetime.date) -> list[DemoAccount]:
    if not Standard.objects.exists():
        call_command("loaddata", "standards", verbosity=0)
    centres = {
        name: Centre.objects.get_or_create(name=name, defaults={"time_zone": "Europe/London"})[0]
        for name in (DEMO_CENTRE, SECOND_CENTRE)
    }
    users = {spec.username: _account(spec, centres) for spec in ACCOUNTS}
    EqaGrant.objects.update_or_create(
        user=users["eqa1"],
        centre=centres[DEMO_CENTRE],
        defaults={"expires_on": today + datetime.timedelta(days=365)},
    )
    for learner, slug, assessor, iqa in ENROLMENTS:
        standard = Standard.objects.filter(slug=slug).first()
        if standard is None:
            continue
        Enrolment.objects.update_or_create(
            learner=users[learner],
            standard=standard,
            defaults={
                "centre": users[learner].centre,
                "assessor": users.get(assessor) if assessor else None,
                "iqa": users.get(iqa) if iqa else None,
                "start_date": today - datetime.timedelta(days=60),
                "target_end_date": today + datetime.timedelta(days=300),
            },
            # Not reset on a re-run: a signed-off unit stays completed.
            create_defaults={
                "centre": users[learner].centre,
                "assessor": users.get(assessor) if assessor else None,
                "iqa": users.get(iqa) if iqa else None,
                "start_date": today - datetime.timedelta(days=60),
                "target_end_date": today + datetime.timedelta(days=300),
                "status": Enrolment.Status.ACTIVE,
            },
        )
    add_demo_evidence(
        list(
            Enrolment.objects.filter(learner__username__in=["learner1", "learner2"])
            .select_related("learner", "standard")
            .order_by("learner__username", "pk")
        ),
        today,
    )
    add_demo_decisions(
        list(
            Enrolment.objects.filter(learner__username__in=["learner1", "learner2"])
            .select_related("learner", "standard", "assessor", "iqa")
            .order_by("learner__username", "pk")
        )
    )
    add_demo_quality(today)
    add_demo_staff(today)
    add_demo_visits(today)
    return ACCOUNTS
