"""Two assessors appending to the same centre's record at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from assessments.models import RecordEntry
from assessments.record import verify_centre
from assessments.services import record_append
from tests.factories import EnrolmentFactory, UserFactory

pytestmark = pytest.mark.postgres_only


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_simultaneous_appends_keep_both_and_the_chain(people, transactional_db) -> None:
    second_assessor = UserFactory(centre=people.centre, is_assessor=True)
    second = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=people.enrolment.standard,
        assessor=second_assessor,
    )
    record_append(enrolment=people.enrolment, actor=people.assessor, action="judgement", payload={})
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def act(enrolment, actor) -> None:
        try:
            barrier.wait(timeout=10)
            record_append(
                enrolment=enrolment, actor=actor, action="judgement", payload={"by": actor.pk}
            )
        except BaseException as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(people.enrolment, people.assessor)),
        threading.Thread(target=act, args=(second, second_assessor)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    entries = list(RecordEntry.objects.filter(centre=people.centre).order_by("sequence"))
    assert [e.sequence for e in entries] == [1, 2, 3]
    assert {e.payload.get("by") for e in entries[1:]} == {people.assessor.pk, second_assessor.pk}
    assert verify_centre(people.centre.pk).first_break is None
