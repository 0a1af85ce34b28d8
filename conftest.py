"""One user per role in one centre, plus an outsider in another centre (healthchecks' Alice/Bob).

``people.learner`` is enrolled with ``people.assessor`` and ``people.iqa`` on one standard;
``people.other_learner`` is a second learner of the same centre; ``people.outsider_*`` live in
another centre; ``people.eqa`` is an external quality assurer (``is_eqa``, neither staff nor
superuser, in no centre) with an unexpired grant to the first centre.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre, EqaGrant
from tests.factories import (
    CentreFactory,
    CriterionFactory,
    EnrolmentFactory,
    GroupFactory,
    StandardFactory,
    UserFactory,
)


@dataclass
class People:
    centre: Centre
    other_centre: Centre
    learner: User
    other_learner: User
    assessor: User
    iqa: User
    admin: User
    eqa: User
    outsider_learner: User
    outsider_admin: User
    enrolment: Enrolment
    outsider_enrolment: Enrolment

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def people(db: None) -> People:
    centre = CentreFactory(name="Alpha Centre")
    other = CentreFactory(name="Beta Centre")
    learner = UserFactory(
        username="alice", full_name="Alice Learner", centre=centre, is_learner=True
    )
    other_learner = UserFactory(
        username="amir", full_name="Amir Learner", centre=centre, is_learner=True
    )
    assessor = UserFactory(
        username="bob", full_name="Bob Assessor", centre=centre, is_assessor=True
    )
    iqa = UserFactory(username="carol", full_name="Carol IQA", centre=centre, is_iqa=True)
    admin = UserFactory(
        username="dave", full_name="Dave Admin", centre=centre, is_centre_admin=True
    )
    eqa = UserFactory(username="erin", full_name="Erin EQA", centre=None, is_eqa=True)
    EqaGrant.objects.create(
        user=eqa, centre=centre, expires_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    outsider_learner = UserFactory(username="oscar", centre=other, is_learner=True)
    outsider_admin = UserFactory(username="olga", centre=other, is_centre_admin=True)
    group = GroupFactory(standard=StandardFactory(slug="test-std", code="TEST001"))
    CriterionFactory(group=group, order=1, reference="P1", text="do the first thing")
    enrolment = EnrolmentFactory(
        learner=learner, centre=centre, standard=group.standard, assessor=assessor, iqa=iqa
    )
    outsider_enrolment = EnrolmentFactory(
        learner=outsider_learner, centre=other, standard=group.standard
    )
    return People(
        centre=centre,
        other_centre=other,
        learner=learner,
        other_learner=other_learner,
        assessor=assessor,
        iqa=iqa,
        admin=admin,
        eqa=eqa,
        outsider_learner=outsider_learner,
        outsider_admin=outsider_admin,
        enrolment=enrolment,
        outsider_enrolment=outsider_enrolment,
    )


# The browser tests list the pages axe checked, one part per process (xdist workers run them);
# the main process merges the parts into test-artifacts/axe-pages.txt.
AXE_PARTS = Path(__file__).parent / "test-artifacts"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        for part in AXE_PARTS.glob("axe-pages.part-*.txt"):
            part.unlink()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    parts = list(AXE_PARTS.glob("axe-pages.part-*.txt"))
    pages = {line for part in parts for line in part.read_text().splitlines() if line}
    for part in parts:
        part.unlink()
    if pages:
        (AXE_PARTS / "axe-pages.txt").write_text("\n".join(sorted(pages)) + "\n")
