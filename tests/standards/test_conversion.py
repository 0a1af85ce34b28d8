"""Tests for the seed conversion (pure Python, no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from standards.conversion import StandardData, build_fixture, parse_all, render_fixture

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds"
FIXTURE = ROOT / "fixtures" / "standards.json"

# slug: (performance criteria, knowledge items)
TARGETS = {
    "scdcpc306": (15, 65),
    "scdcpc509-v2": (19, 68),
    "manage-finance": (15, 74),
    "promote-organisational-responsibilities": (18, 71),
    "cpc509-2008": (26, 22),
}


@pytest.fixture(scope="module")
def standards() -> dict[str, StandardData]:
    return {s.slug: s for s in parse_all(SEEDS)}


def text(standards: dict[str, StandardData], slug: str, ref: str) -> str:
    return standards[slug].item(ref).text


def test_all_five_standards(standards: dict[str, StandardData]) -> None:
    assert set(standards) == set(TARGETS)


@pytest.mark.parametrize(("slug", "counts"), sorted(TARGETS.items()))
def test_counts(standards: dict[str, StandardData], slug: str, counts: tuple[int, int]) -> None:
    s = standards[slug]
    assert (len(s.items_of("performance")), len(s.items_of("knowledge"))) == counts


@pytest.mark.parametrize(
    "slug",
    ["scdcpc306", "scdcpc509-v2", "manage-finance", "promote-organisational-responsibilities"],
)
def test_nos_reference_sequences(standards: dict[str, StandardData], slug: str) -> None:
    s = standards[slug]
    p, k = TARGETS[slug]
    assert [i.reference for i in s.items_of("performance")] == [f"P{n}" for n in range(1, p + 1)]
    assert [i.reference for i in s.items_of("knowledge")] == [f"K{n}" for n in range(1, k + 1)]


def test_orders_are_source_order(standards: dict[str, StandardData]) -> None:
    for s in standards.values():
        for kind in ("performance", "knowledge"):
            items = s.items_of(kind)
            assert [i.order for i in items] == list(range(1, len(items) + 1))
            groups = [g.order for g in s.groups if g.kind == kind]
            assert groups == list(range(1, len(groups) + 1))
            assert [i.group_order for i in items] == sorted(i.group_order for i in items)
            assert {i.group_order for i in items} == set(groups)  # no empty group


def test_old_unit_references_and_elements(standards: dict[str, StandardData]) -> None:
    s = standards["cpc509-2008"]
    refs = [i.reference for i in s.items_of("performance")]
    assert refs == (
        [f"A{n}" for n in range(1, 11)]
        + [f"B{n}" for n in range(1, 10)]
        + [f"C{n}" for n in range(1, 8)]
    )
    elements = [(g.reference, g.title) for g in s.groups if g.kind == "performance"]
    assert elements == [
        ("A", "Agree and establish governance arrangements for aligned or pooled budgets"),
        ("B", "Prepare an aligned or pooled budget for negotiation and agreement"),
        (
            "C",
            "Enable monitoring and evaluation of the impact of expenditure from aligned or"
            " pooled budgets",
        ),
    ]
    assert [i.reference for i in s.items_of("knowledge")] == [str(n) for n in range(1, 23)]
    knowledge_groups = [g.title for g in s.groups if g.kind == "knowledge"]
    assert knowledge_groups == [
        "Values",
        "Legislation and organisation policy and procedures",
        "Theory and practice",
    ]
    assert s.code == "CPC 509"
    assert s.title == "Enable your organisation to align or pool budgets with a partner"


def test_old_unit_item_4_keeps_its_sub_items(standards: dict[str, StandardData]) -> None:
    assert text(standards, "cpc509-2008", "4") == (
        "Methods and ways of working that:\n"
        "a. support equality and diversity\n"
        "b. support the development of sustainable new ideas\n"
        "c. are ethical and adhere to any codes of practice relevant to your work\n"
        "d. respect other people's ideas, values and principles"
    )


VERBATIM = [
    # SCDCPC306
    (
        "scdcpc306",
        "P13",
        "explain the notice to be served, including options to challenge the notice, to the"
        " responsible person in the contracted service or their authorised representative, in"
        " accordance with legal and work setting requirements",
    ),
    # bookmark debris removed
    ("scdcpc306", "K1", "how contract compliance can support the achievement of outcomes"),
    # double space collapsed
    ("scdcpc306", "K51", "principles of reflective, person centred, evidence based practice"),
    # the source's own error kept
    (
        "scdcpc306",
        "K52",
        "your role in sharing and developing knowledge and practice with others, including ,"
        " key people and communities",
    ),
    (
        "scdcpc306",
        "K65",
        "legal and work setting requirements for health, safety and security in the work"
        " environment",
    ),
    # SCDCPC509: lines joined, spaces before commas removed
    (
        "scdcpc509-v2",
        "P3",
        "agree with commissioning partners, individuals, key people and stakeholders the areas"
        " where aligned or pooled expenditure is expected to have most effect",
    ),
    (
        "scdcpc509-v2",
        "P12",
        "develop budget proposals based on the agreed joint commissioning plan that clearly"
        " identify the ways in which the aligned or pooled budget meets the outcomes required by"
        " partners, the financial contributions of partners, the benefits and risks of aligning"
        " or pooling financial resources",
    ),
    # page footer inside the item removed; 'multi- disciplinary' rejoined
    (
        "scdcpc509-v2",
        "K14",
        "legislation, national policy, frameworks, local systems and multi-disciplinary"
        " procedures relating to the safeguarding and protection of children, young people and"
        " adults",
    ),
    # stray '1.00' removed
    (
        "scdcpc509-v2",
        "K38",
        "European, UK and national legislation, statutory codes, standards, regulations,"
        " frameworks and guidance relevant to commissioning, procurement and contracting for"
        " your area of responsibility",
    ),
    (
        "scdcpc509-v2",
        "K31",
        "how to analyse the statutory and financial constraints for agreeing budgets to support"
        " partnership working",
    ),
    # markdown bold removed
    (
        "scdcpc509-v2",
        "K20",
        "how to promote your organisation's political, economic, sociological, technological,"
        " legal and environmental responsibilities",
    ),
    (
        "scdcpc509-v2",
        "K58",
        "methods of making data, information and analysis accessible for individuals, key people"
        " and other stakeholders others including decision makers",
    ),
    # Manage finance
    (
        "manage-finance",
        "P1",
        "gather accurate, comprehensive and up-to date information about the generation and"
        " allocation of financial resources",
    ),
    # double space collapsed
    (
        "manage-finance",
        "P2",
        "evaluate your organisation\u2019s performance taking account of the type of"
        " organisation, its context and culture and the performance of other organisations",
    ),
    ("manage-finance", "K10", "the types of help those making proposals may need and"),
    (
        "manage-finance",
        "K14",
        "legal and work setting requirements for equality, diversity, discrimination and rights",
    ),
    # Promote organisational responsibilities
    (
        "promote-organisational-responsibilities",
        "P1",
        "identify the legal and regulatory requirements relevant to your area of work, including"
        " your organisation\u2019s responsibilities for commissioned services",
    ),
    (
        "promote-organisational-responsibilities",
        "K13",
        "your duty to report any acts or omissions poor or discriminatory practice, resources or"
        " operational difficulties that could infringe the rights of individuals, key people and"
        " communities",
    ),
    # double space collapsed
    (
        "promote-organisational-responsibilities",
        "K45",
        "how to evaluate the impact of commissioning, procurement and contracting activities on"
        " individuals, key people and communities",
    ),
    # Old CPC 509 unit: bold removed; line joined across a bullet
    (
        "cpc509-2008",
        "A1",
        "Identify accurately the statutory and financial constraints and legislation and"
        " guidance applicable to each partner and ensure that all agreed arrangements comply",
    ),
    (
        "cpc509-2008",
        "A2",
        "Identify accurately any outcomes, performance indicators and/or targets for any partner"
        " and agree how they will continue to be met with an aligned or pooled budget",
    ),
    (
        "cpc509-2008",
        "C7",
        "Share the results of the evaluation with individuals, families and communities and key"
        " decision makers",
    ),
    (
        "cpc509-2008",
        "12",
        "Policies, procedures, guidance and protocols with the other organisations and"
        " professions with whom you work that are relevant to aligning or pooling budgets .",
    ),
    ("cpc509-2008", "19", "How to prepare a budget"),
]


@pytest.mark.parametrize(("slug", "ref", "expected"), VERBATIM)
def test_verbatim_texts(
    standards: dict[str, StandardData], slug: str, ref: str, expected: str
) -> None:
    assert text(standards, slug, ref) == expected


def test_no_debris_in_any_text(standards: dict[str, StandardData]) -> None:
    for s in standards.values():
        for i in s.items:
            assert i.text == i.text.strip()
            for debris in ("\t", "  ", "**", "[bookmark", " ,", "1.00", "14.14"):
                if (s.slug, i.reference) == ("scdcpc306", "K52") and debris == " ,":
                    continue  # kept as printed
                assert debris not in i.text, (s.slug, i.reference)


def test_repaired_group_titles(standards: dict[str, StandardData]) -> None:
    s = standards["scdcpc509-v2"]
    assert [g.title for g in s.groups if g.kind == "performance"] == [
        "Establish governance arrangements for aligned or pooled budgets",
        "Prepare an aligned or pooled budget for negotiation and agreement",
        "Enable monitoring and evaluation of the impact of expenditure from aligned or pooled"
        " budgets",
    ]
    assert [g.title for g in s.groups if g.kind == "knowledge"] == [
        "Specific to this NOS",
        "Rights",
        "Safeguarding",
        "Sustainability",
        "Partnership working",
        "Risk management",
        "Your practice",
        "Theory for practice",
        "Communication",
        "Handling information",
        "Health and Safety",
        "Managing People",
    ]
    assert s.item("K49").group_order == 7  # after the page break, still 'Your practice'
    s306 = standards["scdcpc306"]
    assert [g.title for g in s306.groups if g.kind == "performance"] == [
        "Assess compliance with contract specifications and legal requirements",
        "Agree actions to achieve the contract specification",
        "Monitor compliance through contractual procedures",
    ]


def test_lost_texts(standards: dict[str, StandardData]) -> None:
    s = standards["scdcpc509-v2"]
    assert (s.item("P16").text, s.item("P16").text_status) == ("", "missing")
    assert (s.item("K45").text, s.item("K45").text_status) == ("based provision", "partial")
    assert (s.item("K47").text, s.item("K47").text_status) == (
        "inform commissioning, procurement and contracting",
        "partial",
    )
    lost = {
        (x.slug, i.reference)
        for x in standards.values()
        for i in x.items
        if i.text_status != "complete"
    }
    assert lost == {("scdcpc509-v2", "P16"), ("scdcpc509-v2", "K45"), ("scdcpc509-v2", "K47")}
    assert "P16" in s.notes and "K45" in s.notes and "K47" in s.notes


def test_codes_and_metadata(standards: dict[str, StandardData]) -> None:
    assert standards["manage-finance"].code == ""
    assert standards["promote-organisational-responsibilities"].code == ""
    for slug in ("manage-finance", "promote-organisational-responsibilities"):
        assert "No code is printed in the source document." in standards[slug].notes
    assert standards["scdcpc306"].code == "SCDCPC306"
    assert standards["scdcpc306"].title == "Take action to promote contract compliance"
    s = standards["scdcpc509-v2"]
    assert (s.code, s.version, s.status, s.approved, s.review) == (
        "SCDCPC509",
        "2",
        "Original",
        "February 2014",
        "February 2019",
    )
    assert s.developer == "Skills for Care and Development"
    assert s.suite == "Commissioning, Procurement and Contracting for Care Services"
    assert s.title == (
        "Enable your organisation to align or pool budgets with commissioning partners"
    )
    assert standards["manage-finance"].source_document == "000_b2b28b237437643b.txt"
    for x in standards.values():
        assert x.overview and x.scope and x.values and x.notes


def test_fixture_shape() -> None:
    objects = build_fixture(SEEDS)
    assert all("pk" not in o for o in objects)
    models = [o["model"] for o in objects]
    assert models.count("standards.standard") == 5
    assert models.count("standards.criterion") == sum(p + k for p, k in TARGETS.values())
    criteria = [o["fields"] for o in objects if o["model"] == "standards.criterion"]
    keys = {(c["standard"][0], c["reference"]) for c in criteria}
    assert len(keys) == len(criteria)
    groups = {
        (*o["fields"]["standard"], o["fields"]["kind"], o["fields"]["order"])
        for o in objects
        if o["model"] == "standards.criteriongroup"
    }
    assert all(tuple(c["group"]) in groups for c in criteria)
    for o in objects:
        if o["model"] == "standards.equivalencegroup":
            assert all(tuple(m) in keys for m in o["fields"]["criteria"])


def test_committed_fixture_is_reproduced_byte_for_byte() -> None:
    assert FIXTURE.read_bytes() == render_fixture(build_fixture(SEEDS)).encode("utf-8")
    json.loads(FIXTURE.read_text(encoding="utf-8"))
