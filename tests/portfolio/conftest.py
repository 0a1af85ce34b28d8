from __future__ import annotations

import pytest

from assessments.models import Enrolment
from standards.models import Standard
from tests.portfolio.builders import add_evidence, judge_and_sign
from tests.standards_fixture import load_standards


@pytest.fixture
def standards(db: None) -> None:
    load_standards()


@pytest.fixture
def portfolio(people, standards) -> Enrolment:
    """Alice on SCDCPC509 (whose P16 text the source lost) with evidence, decisions and
    signatures, beside her factory enrolment."""
    enrolment = Enrolment.objects.create(
        learner=people.learner,
        centre=people.centre,
        standard=Standard.objects.get(slug="scdcpc509-v2"),
        assessor=people.assessor,
        iqa=people.iqa,
        start_date="2026-09-01",
        target_end_date="2027-08-31",
    )
    add_evidence(enrolment, items=3, images=1)
    judge_and_sign(enrolment)
    return enrolment
