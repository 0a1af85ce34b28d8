"""The real standards (fixtures/standards.json) in a test's database, cheaply.

``loaddata standards`` resolves every natural key with a query of its own: close to a second
per test, several on a loaded machine. The first load in a test process is a real
``loaddata``; its rows are then kept in memory, and later tests get the same rows by bulk
inserts, with the ids their database gives them (the database is emptied between tests).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import models

from standards.models import Criterion, CriterionGroup, EquivalenceGroup, Standard

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "standards.json"
Rows = dict[str, list[dict[str, Any]]]
_rows: Rows | None = None


def _slugs() -> list[str]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [row["fields"]["slug"] for row in data if row["model"] == "standards.standard"]


def _snapshot(slugs: list[str]) -> Rows:
    through = EquivalenceGroup.criteria.through
    return {
        "standards": list(Standard.objects.filter(slug__in=slugs).values()),
        "groups": list(CriterionGroup.objects.filter(standard__slug__in=slugs).values()),
        "criteria": list(Criterion.objects.filter(standard__slug__in=slugs).values()),
        "equivalences": list(
            EquivalenceGroup.objects.filter(criteria__standard__slug__in=slugs).distinct().values()
        ),
        "members": list(through.objects.filter(criterion__standard__slug__in=slugs).values()),
    }


def _insert(
    model: type[models.Model], rows: list[dict[str, Any]], **maps: dict[int, int]
) -> dict[int, int]:
    """Bulk-insert copies of ``rows`` with their foreign keys remapped; old id -> new id."""
    copies = []
    for row in rows:
        fields = {k: v for k, v in row.items() if k != "id"}
        for name, mapping in maps.items():
            fields[name] = mapping[fields[name]]
        copies.append(model(**fields))
    model.objects.bulk_create(copies)
    return {row["id"]: copy.pk for row, copy in zip(rows, copies, strict=True)}


def load_standards() -> None:
    """Put the five fixture standards, their criteria and equivalences in the database."""
    global _rows
    if _rows is None:
        call_command("loaddata", "standards", verbosity=0)
        _rows = _snapshot(_slugs())
        return
    standards = _insert(Standard, _rows["standards"])
    groups = _insert(CriterionGroup, _rows["groups"], standard_id=standards)
    criteria = _insert(Criterion, _rows["criteria"], standard_id=standards, group_id=groups)
    equivalences = _insert(EquivalenceGroup, _rows["equivalences"])
    through = EquivalenceGroup.criteria.through
    _insert(through, _rows["members"], equivalencegroup_id=equivalences, criterion_id=criteria)
