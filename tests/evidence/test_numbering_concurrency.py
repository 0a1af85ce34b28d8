"""Two items created at the same moment in two of one learner's units take E1 and E2: the
learner's row lock serialises the numbering (the unique constraint is the backstop)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from evidence.models import EvidenceItem
from evidence.services import evidence_create
from tests.factories import EnrolmentFactory, StandardFactory

pytestmark = pytest.mark.postgres_only


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_simultaneous_creates_in_two_units_number_per_learner(people, transactional_db) -> None:
    other = EnrolmentFactory(
        learner=people.learner, centre=people.centre, standard=StandardFactory()
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def create(enrolment) -> None:
        try:
            barrier.wait(timeout=10)
            evidence_create(
                enrolment=enrolment,
                title="At the same moment",
                occurred_on=datetime.date(2026, 10, 1),
                evidence_type=EvidenceItem.Type.PRODUCT,
            )
        except BaseException as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(e,)) for e in (people.enrolment, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    references = sorted(
        EvidenceItem.objects.filter(learner=people.learner).values_list("reference", flat=True)
    )
    assert references == ["E1", "E2"]
