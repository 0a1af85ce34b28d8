"""The PDF prints assessor-made records: observation details, the learner's acknowledgement,
questioning's Q&A pairs and a witness's signature and competence, escaped."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evidence import witness
from evidence.services import evidence_acknowledge
from portal.portfolio.render import render_html
from portal.portfolio.selectors import portfolio_data
from standards.models import Criterion
from tests.evidence.assessor_helpers import record_observation, record_questioning, request_witness


def _data(people):
    return portfolio_data(people.learner, people.centre, requested_by=None, embed_max_bytes=0)


def test_assessor_records_in_the_pdf(people) -> None:
    observation = record_observation(
        people.enrolment, photo=False, place="Rose <b>Ward</b>", witness_name="Wendy Witness"
    )
    evidence_acknowledge(
        item=observation, learner=people.learner, acknowledgement_name="Alice Learner"
    )
    p1 = list(Criterion.objects.filter(reference="P1"))
    record_questioning(people.enrolment, [("Why check <charts>?", "To avoid errors.", p1)])
    request = request_witness(people.enrolment)
    witness.witness_statement_submit(
        token=witness.witness_token(request),
        statement="I saw Alice lead the review.",
        occurred_on=datetime.date(2026, 11, 18),
        signed_name="Wendy Witness",
    )
    html = render_html(_data(people), code="PF-TEST", exported_at=timezone.now())
    assert "Recorded by</strong> Bob Assessor (assessor) · time 09:30" in html
    assert "place: Rose &lt;b&gt;Ward&lt;/b&gt;" in html and "<b>Ward" not in html
    assert "setting: Real work" in html
    assert "Wendy Witness" in html
    assert "Learner's acknowledgement: signed “Alice Learner”" in html
    assert "Why check &lt;charts&gt;?" in html and "To avoid errors." in html
    assert "Witness signature: “Wendy Witness”" in html
    assert "Twenty years managing care services" in html


def test_assessor_records_cost_one_extra_query(people) -> None:
    record_observation(people.enrolment, photo=False)
    with CaptureQueriesContext(connection) as before:
        _data(people)
    p1 = list(Criterion.objects.filter(reference="P1"))
    record_questioning(people.enrolment, [("Q1", "A1", p1), ("Q2", "A2", p1)])
    record_observation(people.enrolment, photo=False)
    with CaptureQueriesContext(connection) as after:
        _data(people)
    assert len(after.captured_queries) == len(before.captured_queries)
