"""The bad-input corpus shares the ``people`` fixture; these add a learner's draft item."""

from __future__ import annotations

import pytest

from evidence.models import EvidenceItem
from tests.evidence.helpers import make_item


@pytest.fixture
def item(people) -> EvidenceItem:
    """A draft of ``people.learner`` on their enrolment."""
    return make_item(people.enrolment)


@pytest.fixture
def learner_client(people):
    return people.client_for(people.learner)
