from __future__ import annotations

import pytest

from assessments import services
from assessments.errors import NotPermittedError
from assessments.models import RecordEntry

P1 = "P1"


def _criterion(people):
    return people.enrolment.standard.criteria.get(reference=P1)


def test_judgement_is_recorded_and_updated_in_place(people) -> None:
    criterion = _criterion(people)
    services.judgement_record(
        enrolment=people.enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=True,
        rationale="Met holistically across E1 and E2.",
    )
    judgement = services.judgement_record(
        enrolment=people.enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=False,
        rationale="On reflection, E2 is not the learner's own.",
    )
    assert people.enrolment.judgements.count() == 1
    assert judgement.met is False
    entries = RecordEntry.objects.filter(action="judgement").order_by("sequence")
    assert [e.payload["met"] for e in entries] == [True, False]


@pytest.mark.parametrize("who", ["iqa", "admin", "learner", "other_learner"])
def test_only_the_assessor_judges(people, who) -> None:
    with pytest.raises(NotPermittedError):
        services.judgement_record(
            enrolment=people.enrolment,
            criterion=_criterion(people),
            assessor=getattr(people, who),
            met=True,
            rationale="",
        )
    assert not RecordEntry.objects.exists()
