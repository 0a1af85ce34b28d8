"""equivalents_of: what the assessment issue calls to offer mapping to equivalent items."""

from __future__ import annotations

import pytest

from standards.models import Criterion
from standards.selectors import equivalents_of
from tests.standards_fixture import load_standards

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    load_standards()


def crit(slug: str, reference: str) -> Criterion:
    return Criterion.objects.get(standard__slug=slug, reference=reference)


def test_equivalents_in_one_query(loaded, django_assert_num_queries) -> None:
    k8 = crit("scdcpc509-v2", "K8")
    p10 = crit("scdcpc509-v2", "P10")
    lonely = crit("scdcpc509-v2", "K2")
    with django_assert_num_queries(1):
        found = equivalents_of([k8.pk, p10.pk, lonely.pk])
        summary = {
            pk: [(c.standard.slug, c.reference, c.equivalence_match) for c in items]
            for pk, items in found.items()
        }
    assert summary[k8.pk] == [
        ("manage-finance", "K14", "exact"),
        ("promote-organisational-responsibilities", "K8", "exact"),
        ("scdcpc306", "K5", "exact"),
    ]
    assert summary[p10.pk] == [("cpc509-2008", "B3", "near")]
    assert summary[lonely.pk] == []


def test_items_asked_together_still_list_each_other(loaded) -> None:
    a, b = crit("scdcpc509-v2", "K8"), crit("scdcpc306", "K5")
    found = equivalents_of([a.pk, b.pk])
    assert b in found[a.pk]
    assert a in found[b.pk]
    assert a not in found[a.pk]


def test_no_ids_no_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert equivalents_of([]) == {}
