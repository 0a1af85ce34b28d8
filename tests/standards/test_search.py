"""Search across criterion and knowledge texts and references, safely highlighted."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from standards.models import Criterion
from standards.templatetags.standards_tags import highlight
from tests.factories import CriterionFactory, GroupFactory, StandardFactory

URL = reverse("standards:search")


def test_highlight_escapes_first_then_marks() -> None:
    assert highlight("a <b>Budget</b> & budgets", "budget") == (
        "a &lt;b&gt;<mark>Budget</mark>&lt;/b&gt; &amp; <mark>budget</mark>s"
    )
    assert highlight("fish & chips", "amp") == "fish &amp; chips"
    assert highlight("x <script>", "<script>") == "x <mark>&lt;script&gt;</mark>"
    assert highlight("plain", "") == "plain"


def test_search_across_all_standards(people) -> None:
    other = GroupFactory(standard=StandardFactory(code="OTHER1"))
    CriterionFactory(group=other, text="Agree the Budget with partners")
    CriterionFactory(group=other, text="nothing relevant")
    response = people.client_for(people.learner).get(URL, {"q": "budget"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 result for “budget” in all standards" in html
    assert "Agree the <mark>Budget</mark> with partners" in html
    assert "OTHER1" in html


def test_search_by_reference_and_within_one_standard(people) -> None:
    other = GroupFactory(standard=StandardFactory(code="OTHER1"))
    CriterionFactory(group=other, reference="P1", order=1, text="elsewhere")
    client = people.client_for(people.assessor)
    html = client.get(URL, {"q": "p1"}).content.decode()
    assert "2 results for “p1”" in html
    html = client.get(URL, {"q": "p1", "standard": "test-std"}).content.decode()
    assert "1 result for “p1” in TEST001" in html
    assert "do the first thing" in html
    assert "elsewhere" not in html


def test_query_html_is_never_rendered(people) -> None:
    CriterionFactory(
        group=GroupFactory(standard=StandardFactory()), text="use <script> tags carefully"
    )
    html = people.client_for(people.learner).get(URL, {"q": "<script>"}).content.decode()
    assert "<mark>&lt;script&gt;</mark>" in html
    assert "<script> tags" not in html
    assert "“&lt;script&gt;”" in html


def test_missing_and_partial_texts_in_results(people) -> None:
    group = GroupFactory(standard=StandardFactory())
    CriterionFactory(group=group, reference="K45", text="based provision", text_status="partial")
    CriterionFactory(group=group, reference="P16", text="", text_status="missing")
    client = people.client_for(people.learner)
    html = client.get(URL, {"q": "provision"}).content.decode()
    assert "based <mark>provision</mark>" in html
    assert "[part of the text not available in the source document]" in html
    html = client.get(URL, {"q": "P16"}).content.decode()
    assert "[Text not available in the source document]" in html


def test_empty_states(people) -> None:
    client = people.client_for(people.learner)
    assert "Type words from a criterion" in client.get(URL).content.decode()
    html = client.get(URL, {"q": "zzzz", "standard": "test-std"}).content.decode()
    assert "Nothing matches “zzzz” in TEST001. Try fewer or shorter words" in html
    assert "search all standards" in html


def test_bad_input(people) -> None:
    client = people.client_for(people.learner)
    response = client.get(URL, {"q": "x" * 201})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    response = client.get(URL, {"q": "x", "standard": "no-such"})
    assert "Select a valid choice" in response.content.decode()


def test_paginated_and_query_count_constant(people) -> None:
    group = GroupFactory(standard=StandardFactory())
    client = people.client_for(people.learner)
    CriterionFactory.create_batch(2, group=group, text="common words")
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "common"})
    for n in range(40):
        other = GroupFactory(standard=StandardFactory())
        CriterionFactory(group=other, text=f"common words {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "common"})
    assert len(many) == len(few)
    html = response.content.decode()
    assert "42 results" in html
    assert "Page 1 of 3" in html
    page_3 = client.get(URL, {"q": "common", "page": 3}).content.decode()
    assert page_3.count('class="result-kind">Performance') == 2
    assert 'href="?q=common&amp;page=2"' in page_3


def test_wrong_method_and_logged_out(people) -> None:
    assert people.client_for(people.learner).post(URL).status_code == 405
    assert people.client_for(None).get(URL, {"q": "x"}).status_code == 302
    assert Criterion.objects.count() == 1
