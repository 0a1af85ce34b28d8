"""The portfolio PDF prints the version of each item an assessor assessed, and says when
the learner has changed it since (issue 12 item 7), in a constant number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence import services
from review import services as review
from tests.evidence.helpers import add_file, make_item, png_bytes
from tests.portfolio.test_pdf import _render, _text


def _referred_and_changed(people, n: int):
    # Images of their own colours: a portfolio-cache copy of the shared test PNG would make
    # another test's copy of that hash take a suffixed name.
    item = make_item(people.enrolment, title=f"First try {n}", description="Assessed text.")
    add_file(item, name="photo.png", content=png_bytes(colour=f"#{n:02x}3070"))
    item = services.evidence_submit(
        item=item, learner=people.learner, declaration_name=people.learner.full_name
    )
    item = review.evidence_refer(item=item, assessor=people.assessor, feedback="Add the plan.")
    services.evidence_update(item=item, title=f"Second try {n}", description="Reworked text.")
    services.evidence_file_delete(evidence_file=item.files.get())
    add_file(item, name=f"reworked-{n}.png", content=png_bytes(colour=f"#70{n:02x}30"))
    return item


def test_the_pdf_prints_the_assessed_version_and_notes_the_later_one(people) -> None:
    _referred_and_changed(people, 1)
    text = _text(_render(people).pdf)
    assert "First try 1" in text
    assert "Assessed text." in text
    assert "photo.png" in text
    assert "Version 1, as assessed on" in text
    assert "version 2 is not yet assessed" in text
    assert "Second try 1" not in text
    assert "reworked-1.png" not in text


def test_an_accepted_resubmission_prints_the_new_version(people) -> None:
    item = _referred_and_changed(people, 1)
    item = services.evidence_submit(
        item=item, learner=people.learner, declaration_name=people.learner.full_name
    )
    review.evidence_accept(item=item, assessor=people.assessor)
    text = _text(_render(people).pdf)
    assert "Second try 1" in text and "reworked-1.png" in text
    assert "Version 2, as assessed on" in text
    assert "not yet assessed" not in text


def _count(people) -> int:
    with CaptureQueriesContext(connection) as context:
        _render(people)
    return len(context.captured_queries)


def test_versions_add_no_queries_per_item(people) -> None:
    _referred_and_changed(people, 1)
    small = _count(people)
    for n in range(2, 6):
        _referred_and_changed(people, n)
    assert _count(people) == small
