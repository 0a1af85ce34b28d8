"""The grid builds each cell's URLs from one prefix: they must be the URLs Django routes."""

from __future__ import annotations

from django.urls import reverse

from review.views import _cell_url
from tests.factories import EnrolmentFactory


def test_cell_urls_built_from_the_prefix_are_the_routed_ones(db) -> None:
    enrolment = EnrolmentFactory()
    assert f"{_cell_url(enrolment)}12/34/" == reverse(
        "review:grid_toggle", args=[enrolment.pk, 12, 34]
    )
    assert f"{_cell_url(enrolment)}12/34/equivalents/" == reverse(
        "review:map_equivalents", args=[enrolment.pk, 12, 34]
    )
