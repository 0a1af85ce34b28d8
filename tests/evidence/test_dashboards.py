"""The assessor's caseload lists submitted evidence oldest first; learners find their evidence."""

from __future__ import annotations

import datetime

from django.urls import reverse

from evidence.models import EvidenceItem
from tests.evidence.helpers import make_item, submitted_item


def test_assessor_sees_evidence_awaiting_review_oldest_first(people) -> None:
    newer = submitted_item(people.enrolment, title="Newer")
    older = submitted_item(people.enrolment, title="Older")
    EvidenceItem.objects.filter(pk=older.pk).update(
        submitted_at=newer.submitted_at - datetime.timedelta(days=3)
    )
    make_item(people.enrolment, title="Still a draft")
    page = people.client_for(people.assessor).get(reverse("assessor_dashboard")).content.decode()
    assert "Evidence awaiting review (2)" in page
    assert page.index("Older") < page.index("Newer")
    assert "3\xa0days" in page
    assert "Still a draft" not in page


def test_other_assessors_do_not_see_it(people) -> None:
    submitted_item(people.enrolment, title="Alice's work")
    people.iqa.is_assessor = True
    people.iqa.save()
    page = people.client_for(people.iqa).get(reverse("assessor_dashboard")).content.decode()
    assert "Alice's work" not in page
    assert "No submitted evidence is waiting for you." in page


def test_learner_dashboard_links_to_evidence(people) -> None:
    page = people.client_for(people.learner).get(reverse("learner_dashboard")).content.decode()
    assert reverse("evidence:create") in page
    assert reverse("evidence:list") in page
