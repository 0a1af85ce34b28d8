"""Every criterion status, built through the services, reads the same on the grid, the
dashboards (learner's cards, assessor's caseload) and the portfolio PDF: they all ask
``review.status``."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.portfolio.render import render_html
from portal.portfolio.selectors import portfolio_data
from review import services
from review.selectors import enrolment_grid, with_progress
from review.status import CriterionStatus, EnrolmentState, state_of
from tests.assessments.helpers import make_item, propose

S = CriterionStatus


def _p1(people):
    return people.enrolment.standard.criteria.get(reference="P1")


def _judge(people, met: bool) -> None:
    services.criterion_judge(
        enrolment=people.enrolment,
        criterion=_p1(people),
        assessor=people.assessor,
        met=met,
        rationale="" if met else "The observation does not show it.",
    )


def _build(people, status: CriterionStatus) -> None:
    """Bring P1 of the people's enrolment to ``status`` the way users would."""
    p1, assessor = _p1(people), people.assessor
    if status == S.NO_EVIDENCE:
        propose(make_item(people.enrolment, status="draft"), p1)  # a draft is no evidence
    elif status == S.PROPOSED:
        propose(make_item(people.enrolment), p1)
    elif status == S.REFERRED:
        item = make_item(people.enrolment)
        propose(item, p1)
        services.evidence_refer(item=item, assessor=assessor, feedback="Date it, please.")
    elif status == S.UNDER_REVIEW:
        services.mapping_add(item=make_item(people.enrolment), criterion=p1, assessor=assessor)
    else:
        item = make_item(people.enrolment)
        services.mapping_add(item=item, criterion=p1, assessor=assessor)
        services.evidence_accept(item=item, assessor=assessor)
        if status in (S.MET, S.UNBACKED):
            _judge(people, met=True)
        if status == S.NOT_MET:
            _judge(people, met=False)
        if status == S.UNBACKED:
            services.evidence_refer(item=item, assessor=assessor, feedback="Not your own work.")


@pytest.mark.parametrize("status", list(CriterionStatus), ids=lambda s: s.value)
def test_grid_dashboards_and_pdf_agree(people, status) -> None:
    _build(people, status)
    enrolment = people.enrolment

    # The grid, as data and as the page.
    (row,) = enrolment_grid(enrolment).rows
    assert row.status == status
    grid_html = html.unescape(
        people.client_for(people.assessor)
        .get(reverse("review:grid", args=[enrolment.pk]))
        .content.decode()
    )
    assert f"{status.symbol} {status.label}" in grid_html

    # The dashboards' counts (SQL, from the same rule).
    annotated = with_progress(type(enrolment).objects.filter(pk=enrolment.pk)).get()
    met = 1 if status == S.MET else 0
    assert annotated.performance_met == met
    learner_html = html.unescape(
        people.client_for(people.learner).get(reverse("learner_dashboard")).content.decode()
    )
    assert f"Performance criteria met: {met} of 1" in learner_html.replace("<strong>", "").replace(
        "</strong>", ""
    )
    caseload = people.client_for(people.assessor).get(reverse("assessor_dashboard"))
    assert f"{met} / 1" in caseload.content.decode()

    # The PDF, as data and as the HTML WeasyPrint is given.
    data = portfolio_data(
        people.learner, people.centre, requested_by=None, embed_max_bytes=1024 * 1024
    )
    (block,) = data.blocks
    (pdf_row,) = [r for group in block.performance for r in group.rows]
    assert pdf_row.status == status
    assert block.met_count == met
    pdf_html = html.unescape(render_html(data, code="PF-TEST", exported_at=timezone.now()))
    assert f"{status.symbol} {status.label}" in pdf_html
    assert f"{met} of 1 criteria met" in pdf_html


def test_states_read_the_same_on_grid_dashboards_and_pdf(people) -> None:
    from tests.review.helpers import signed_off

    signed_off(people.enrolment)
    state = state_of(people.enrolment)
    assert state == EnrolmentState.AWAITING_LEARNER
    text = f"{state.symbol} {state.label}"
    for user, url in [
        (people.assessor, reverse("review:grid", args=[people.enrolment.pk])),
        (people.learner, reverse("learner_dashboard")),
        (people.iqa, reverse("iqa_dashboard")),
    ]:
        page = html.unescape(people.client_for(user).get(url).content.decode())
        assert text in page, (user, url)
    data = portfolio_data(people.learner, people.centre, requested_by=None, embed_max_bytes=1)
    pdf_html = html.unescape(
        render_html(data, code="PF-TEST", exported_at=datetime.datetime.now(tz=datetime.UTC))
    )
    assert state.label in pdf_html
