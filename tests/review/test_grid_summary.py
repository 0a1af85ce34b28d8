"""The grid's summary stays true after an htmx change: every response that maps, unmaps or
judges sends the summary, the next step and the group's link out of band, read the same way
as the full page (``review.views._grid_summary``, statuses from ``review.status``)."""

from __future__ import annotations

import re

from django.urls import reverse

from assessments.models import RecordEntry
from evidence.models import EvidenceItem, Mapping
from review import sampling
from review import services as review_services
from review.sign_off import unit_countersign, unit_reopen
from standards.models import EquivalenceGroup, Kind
from tests.assessments.helpers import make_item, make_items
from tests.factories import CriterionFactory, EnrolmentFactory, GroupFactory
from tests.review.helpers import signed_off

HX = {"HTTP_HX_REQUEST": "true"}


def _toggle(people, item, criterion) -> str:
    return reverse("review:grid_toggle", args=[people.enrolment.pk, item.pk, criterion.pk])


def _judge_met(people, criterion) -> str:
    return reverse("review:judge_met", args=[people.enrolment.pk, criterion.pk])


def _part(html: str, tag: str, element_id: str) -> str:
    """The (first) element with the id, nested elements of its kind included, without its
    out-of-band marker: to compare what an htmx response sends with what the page shows."""
    start = html.find(f'<{tag} id="{element_id}"')
    assert start >= 0, f"no #{element_id} in the response"
    depth = 0
    for tag_match in re.finditer(rf"<{tag}[\s>]|</{tag}>", html[start:]):
        depth += -1 if tag_match.group(0).startswith("</") else 1
        if depth == 0:
            return html[start : start + tag_match.end()].replace(' hx-swap-oob="true"', "")
    raise AssertionError(f"#{element_id} is not closed")


def _summary(html: str) -> str:
    return _part(html, "ul", "grid-summary")


def _next_step(html: str) -> str:
    return _part(html, "div", "grid-next-step")


def _two_criteria(people):
    p1 = people.enrolment.standard.criteria.get()
    p2 = CriterionFactory(group=p1.group, order=2, reference="P2", text="do the second thing")
    return p1, p2


def _backed(people, item, *criteria) -> None:
    for criterion in criteria:
        review_services.mapping_add(item=item, criterion=criterion, assessor=people.assessor)
    review_services.evidence_accept(item=item, assessor=people.assessor)


def test_mapping_and_unmapping_send_the_summary_out_of_band(people) -> None:
    p1, p2 = _two_criteria(people)
    item = make_item(people.enrolment)
    client = people.client_for(people.assessor)
    page = client.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert "Criteria with no evidence yet: <strong>2</strong>" in _summary(page)

    html = client.post(_toggle(people, item, p1), **HX).content.decode()
    assert html.strip().startswith("<td")  # the clicked cell stays the swap's target
    assert '<ul id="grid-summary" hx-swap-oob="true">' in html
    summary = _summary(html)
    assert "Criteria with no evidence yet: <strong>1</strong>" in summary
    assert f'<a href="#row-{p2.pk}">P2</a>' in summary and "P1</a>" not in summary
    assert '<div id="grid-next-step" hx-swap-oob="true">' in html
    assert "<strong>2 of 2</strong> not yet met" in _next_step(html)
    # What the htmx response says is what the page now says.
    page = client.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert _summary(page) == summary and _next_step(page) == _next_step(html)

    html = client.post(_toggle(people, item, p1), **HX).content.decode()
    assert "Criteria with no evidence yet: <strong>2</strong>" in _summary(html)
    assert not Mapping.objects.exists()


def test_judging_sends_the_counts_and_then_offers_sign_off(people) -> None:
    p1 = people.enrolment.standard.criteria.get()
    item = make_item(people.enrolment)
    _backed(people, item, p1)
    client = people.client_for(people.assessor)
    page = client.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert "Performance criteria met: <strong>0 of 1</strong>" in _summary(page)
    assert "Judge all 1 backed criterion met" in _next_step(page)
    assert f'<span id="judge-group-{p1.group_id}">' in page
    assert "Judge this group's 1 backed met" in page

    html = client.post(_judge_met(people, p1), {"rationale": ""}, **HX).content.decode()
    assert "Performance criteria met: <strong>1 of 1</strong>" in _summary(html)
    next_step = _next_step(html)
    assert "Sign off this unit" in next_step and 'name="csrfmiddlewaretoken"' in next_step
    assert "Judge all" not in next_step and "Not ready" not in next_step
    group_link = _part(html, "span", f"judge-group-{p1.group_id}")
    assert "Judge this group" not in group_link  # nothing backed is left to judge
    assert f'<span id="judge-group-{p1.group_id}" hx-swap-oob="true">' in html

    # Unmapping the only accepted evidence leaves a judged criterion unbacked: the summary
    # stops counting it and the sign-off the service would now refuse is no longer offered.
    html = client.post(_toggle(people, item, p1), **HX).content.decode()
    assert "Performance criteria met: <strong>0 of 1</strong>" in _summary(html)
    next_step = _next_step(html)
    assert "Sign off this unit" not in next_step
    assert "<strong>1 of 1</strong> not yet met" in next_step


def test_a_refused_judgement_still_sends_the_true_summary(people) -> None:
    criterion = people.enrolment.standard.criteria.get()
    html = (
        people.client_for(people.assessor)
        .post(_judge_met(people, criterion), **HX)
        .content.decode()
    )
    assert "no accepted evidence" in html
    assert "Criteria with no evidence yet: <strong>1</strong>" in _summary(html)


def test_the_group_link_counts_what_is_still_backed(people) -> None:
    p1, p2 = _two_criteria(people)
    _backed(people, make_item(people.enrolment), p1, p2)
    client = people.client_for(people.assessor)
    page = client.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert "Judge this group's 2 backed met" in page
    html = client.post(_judge_met(people, p1), **HX).content.decode()
    assert "Judge this group's 1 backed met" in _part(html, "span", f"judge-group-{p1.group_id}")
    assert "Judge all 1 backed criterion met" in _next_step(html)


def test_an_iqa_referral_stays_on_its_row_and_holds_sign_off_until_judged(people) -> None:
    enrolment = people.enrolment
    criterion = enrolment.standard.criteria.get()
    signed_off(enrolment)
    unit_countersign(enrolment=enrolment, learner=people.learner)
    judgement = RecordEntry.objects.filter(enrolment=enrolment, action="judgement").latest(
        "sequence"
    )
    sampling.iqa_sample_record(
        entry=judgement, iqa=people.iqa, outcome="referred", feedback="Rationale too thin."
    )
    unit_reopen(enrolment=enrolment, admin=people.admin, reason="IQA referral on P1.")
    client = people.client_for(people.assessor)

    html = client.post(_toggle(people, make_item(enrolment), criterion), **HX).content.decode()
    assert "Rationale too thin." in html  # the row's referral, not dropped by the swap
    assert "the IQA's referrals above wait for a new judgement" in _next_step(html)
    assert "Sign off this unit" not in html

    html = client.post(_judge_met(people, criterion), **HX).content.decode()
    assert "Rationale too thin." not in html
    assert "Sign off this unit" in _next_step(html)


def test_mapping_to_equivalents_sends_the_cell_and_the_summary(people) -> None:
    k_here = CriterionFactory(
        group=GroupFactory(standard=people.enrolment.standard, kind=Kind.KNOWLEDGE),
        reference="K1",
        text="the law on consent",
    )
    k_there = CriterionFactory(
        group=GroupFactory(kind=Kind.KNOWLEDGE), reference="K7", text="the law on consent"
    )
    EquivalenceGroup.objects.create(
        key="consent", kind=Kind.KNOWLEDGE, match="exact", similarity=1.0
    ).criteria.set([k_here, k_there])
    EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=k_there.standard,
        assessor=people.assessor,
    )
    item = make_item(people.enrolment)
    client = people.client_for(people.assessor)
    html = client.post(_toggle(people, item, k_here), **HX).content.decode()
    assert f"Also map {item.reference} to" in html and "K7 (equivalent)" in html
    assert "Criteria with no evidence yet: <strong>1</strong>" in _summary(html)  # P1 only
    url = reverse("review:map_equivalents", args=[people.enrolment.pk, item.pk, k_here.pk])
    html = client.post(url, **HX).content.decode()
    assert html.strip().startswith("<td") and "also mapped to" in html
    assert "Also map" not in html  # nothing equivalent is left to map
    assert "Criteria with no evidence yet: <strong>1</strong>" in _summary(html)
    assert Mapping.objects.filter(item=item, criterion=k_there, confirmed=True).exists()


def test_htmx_grid_changes_cost_the_same_however_large_the_unit(
    people, django_assert_max_num_queries
) -> None:
    p1, p2 = _two_criteria(people)
    item = make_item(people.enrolment)
    _backed(people, item, p2)
    client = people.client_for(people.assessor)
    # Most of these are the service's (the mapping, the item's assessed version, the record
    # entry); the reading for the response is a constant handful on top.
    with django_assert_max_num_queries(60) as toggle_small:
        assert client.post(_toggle(people, item, p1), **HX).status_code == 200
    with django_assert_max_num_queries(60) as judge_small:
        assert client.post(_judge_met(people, p2), **HX).status_code == 200
    toggled, judged = len(toggle_small), len(judge_small)  # before the next request resets
    client.post(_toggle(people, item, p1), **HX)  # unmapped again, to map it at size

    criteria = [CriterionFactory(group=p1.group, order=10 + n) for n in range(20)]
    items = make_items(people.enrolment, 300, status=EvidenceItem.Status.ACCEPTED)
    Mapping.objects.bulk_create(
        [
            Mapping(item=other, criterion=criteria[n % 20], confirmed=True, method="product")
            for n, other in enumerate(items)
        ]
    )
    p3 = criteria[0]
    with django_assert_max_num_queries(toggled):
        html = client.post(_toggle(people, item, p1), **HX).content.decode()
    assert "Criteria with no evidence yet: <strong>0</strong>" in _summary(html)
    with django_assert_max_num_queries(judged):
        html = client.post(_judge_met(people, p3), **HX).content.decode()
    assert "Performance criteria met: <strong>2 of 22</strong>" in _summary(html)
    assert "Judge all 20 backed criteria met" in _next_step(html)  # p1 and 19 of the 20
    print(f"htmx grid queries: toggle {toggled}, judge {judged}")
