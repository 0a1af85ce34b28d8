"""The PDF lists each item once under the learner, with the units it counts towards; each
unit's criteria link to it, and attachment names are unique (issue 11 part 3)."""

from __future__ import annotations

import io

import pikepdf

from evidence.models import Mapping
from portal.portfolio.render import MANIFEST_NAME, attachment_name, render_html, render_portfolio
from portal.portfolio.selectors import portfolio_data
from tests.portfolio.builders import WHEN, add_file, add_item


def _share_e2(people, portfolio) -> None:
    """E2 (at home in SCDCPC509) also backs TEST001's P1; E4 is at home in TEST001."""
    shared = portfolio.evidence_items.get(reference="E2")
    Mapping.objects.create(
        item=shared,
        criterion=people.enrolment.standard.criteria.get(),
        confirmed=True,
        method=Mapping.Method.REFLECTIVE,
        confirmed_by=people.assessor,
        confirmed_at=WHEN,
    )
    home = add_item(people.enrolment, 4)
    add_file(home, "account-1.pdf", b"%PDF-1.4 another file with the same name")


def test_each_item_is_listed_once_with_its_units(people, portfolio) -> None:
    _share_e2(people, portfolio)
    data = portfolio_data(people.learner, people.centre, requested_by=None, embed_max_bytes=10**9)
    assert [row.item.reference for row in data.items] == ["E1", "E2", "E3", "E4"]
    shared = data.items[1]
    assert [u.standard.code for u in shared.units] == ["SCDCPC509", "TEST001"]
    assert "TEST001 P1" in shared.criteria
    by_unit = {block.enrolment.standard.code: block for block in data.blocks}
    assert [r.item.reference for r in by_unit["TEST001"].items] == ["E2", "E4"]
    assert [r.item.reference for r in by_unit["SCDCPC509"].items] == ["E1", "E2", "E3"]
    html = render_html(data, code="PF-TEST-CODE-0001", exported_at=WHEN)
    assert html.count('id="evidence-E2"') == 1
    assert html.count('href="#evidence-E2"') >= 3  # both units' criteria and evidence lists
    assert "Counts towards: SCDCPC509 (home unit), TEST001" in html
    names = [attachment_name(row.item.reference, f) for row in data.items for f in row.files]
    assert len(names) == len(set(names))


def test_attachment_names_are_unique_and_per_learner(people, portfolio) -> None:
    _share_e2(people, portfolio)
    rendered = render_portfolio(
        people.learner,
        people.centre,
        requested_by=None,
        code="PF-TEST-CODE-0001",
        export_code="PF-EXPO-RTCO-DE01",
    )
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        names = sorted(set(pdf.attachments) - {MANIFEST_NAME})
    listed = rendered.manifest["files"]
    assert len(names) == len(listed) == len({(f["item"], f["id"]) for f in listed})
    assert {name.split("-")[0] for name in names} == {"E1", "E2", "E3", "E4"}
    assert sum(name.endswith("account-1.pdf") for name in names) == 2
