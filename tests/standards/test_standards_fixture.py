"""The tests' cached copy of the standards fixture is the fixture, row for row."""

from __future__ import annotations

import json

from django.core.management import call_command

from standards.models import Criterion, CriterionGroup, EquivalenceGroup, Standard
from tests.standards_fixture import FIXTURE, load_standards


def _content() -> dict:
    return {
        "standards": sorted(
            # last_changed_at is when a row was loaded: a copy keeps the first load's time.
            tuple(v for k, v in row.items() if k not in ("id", "last_changed_at"))
            for row in Standard.objects.values()
        ),
        "groups": sorted(
            CriterionGroup.objects.values_list("standard__slug", "kind", "order", "title")
        ),
        "criteria": sorted(
            Criterion.objects.values_list(
                "standard__slug",
                "group__order",
                "kind",
                "reference",
                "order",
                "text",
                "text_status",
            )
        ),
        "equivalences": sorted(
            (
                group.key,
                group.match,
                sorted(group.criteria.values_list("standard__slug", "reference")),
            )
            for group in EquivalenceGroup.objects.all()
        ),
    }


def _empty() -> None:
    EquivalenceGroup.objects.all().delete()
    Standard.objects.all().delete()


def test_cached_copy_equals_loaddata(db: None) -> None:
    call_command("loaddata", "standards", verbosity=0)
    expected = _content()
    _empty()
    load_standards()  # the first load of this process, or a copy
    _empty()
    load_standards()  # certainly a copy
    assert _content() == expected
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert Criterion.objects.count() == sum(r["model"] == "standards.criterion" for r in rows)
