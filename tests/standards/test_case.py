"""CASE 1.0: every standard exports as a CFPackage valid against the published schema, with
stable identifiers, honest notes for lost texts, equivalences and the CPC 509 -> SCDCPC509
correspondence; a package imports through the same checks as our own format; the round trip
export -> import -> export gives the same package."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from standards import case
from standards.models import Criterion, Standard, TextStatus
from standards.services import ImportRefused, standards_import
from tests.standards_fixture import load_standards

pytestmark = pytest.mark.django_db

SLUGS = [
    "scdcpc306",
    "scdcpc509-v2",
    "cpc509-2008",
    "manage-finance",
    "promote-organisational-responsibilities",
]


@pytest.fixture
def standards() -> None:
    load_standards()


def export(slug: str) -> dict:
    return case.package(Standard.objects.get(slug=slug))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_standard_exports_valid_against_the_published_schema(standards, slug) -> None:
    package = export(slug)
    assert case.schema_problems(package) == []
    standard = Standard.objects.get(slug=slug)
    items = {item["identifier"]: item for item in package["CFItems"]}
    assert len(items) == standard.criteria.count() + standard.groups.count()
    children = [a for a in package["CFAssociations"] if a["associationType"] == "isChildOf"]
    assert len(children) == len(items)


def test_export_is_stable_and_identifiers_are_derived(standards) -> None:
    first = case.dumps(export("scdcpc306"))
    second = case.dumps(export("scdcpc306"))
    assert first == second
    package = json.loads(first)
    document = package["CFDocument"]
    assert uuid.UUID(document["identifier"]).version == 5
    assert document["uri"].endswith(f"/ims/case/v1p0/CFDocuments/{document['identifier']}")
    p1 = next(i for i in package["CFItems"] if i.get("humanCodingScheme") == "P1")
    criterion = Criterion.objects.get(standard__slug="scdcpc306", reference="P1")
    assert p1["identifier"] == str(case.item_identifier(criterion))
    assert p1["fullStatement"] == criterion.text


def test_a_lost_text_is_explained_never_invented(standards) -> None:
    package = export("scdcpc509-v2")
    p16 = next(i for i in package["CFItems"] if i.get("humanCodingScheme") == "P16")
    assert p16["fullStatement"] == ""
    assert "lost from the source document" in p16["notes"]
    assert p16["extensions"]["textStatus"] == TextStatus.MISSING
    partial = Criterion.objects.filter(
        standard__slug="scdcpc509-v2", text_status=TextStatus.PARTIAL
    ).first()
    if partial is not None:
        item = next(
            i for i in package["CFItems"] if i.get("humanCodingScheme") == partial.reference
        )
        assert item["fullStatement"] == partial.text
        assert "only the words that survive" in item["notes"]


def test_a_standard_without_a_code_says_so(standards) -> None:
    document = export("manage-finance")["CFDocument"]
    assert document["extensions"]["code"] == ""
    assert document["extensions"]["codeStatus"] == "code not stated in the source document"


def test_cpc509_is_replaced_by_scdcpc509(standards) -> None:
    old = export("cpc509-2008")
    new = export("scdcpc509-v2")
    old_doc = old["CFDocument"]["identifier"]
    new_doc = new["CFDocument"]["identifier"]
    replaced = [a for a in old["CFAssociations"] if a["associationType"] == "replacedBy"]
    documents = [a for a in replaced if a["originNodeURI"]["identifier"] == old_doc]
    assert [a["destinationNodeURI"]["identifier"] for a in documents] == [new_doc]
    assert len(replaced) > 1  # corresponding criteria too
    old_items = {i["identifier"] for i in old["CFItems"]}
    assert all(a["originNodeURI"]["identifier"] in old_items | {old_doc} for a in replaced), (
        "replacedBy runs from the old unit to the new"
    )
    same = {a["identifier"] for a in replaced}
    assert same <= {a["identifier"] for a in new["CFAssociations"]}


def test_equivalent_knowledge_items_are_exact_matches_or_related(standards) -> None:
    package = export("scdcpc306")
    kinds = {a["associationType"] for a in package["CFAssociations"]}
    assert kinds & {"exactMatchOf", "isRelatedTo"}


def test_equivalences_name_only_readable_standards(standards) -> None:
    readable = Standard.objects.exclude(slug="scdcpc509-v2")
    package = case.package(Standard.objects.get(slug="scdcpc306"), readable=readable)
    hidden = case.dumps(case.package(Standard.objects.get(slug="scdcpc509-v2")))
    hidden_items = {i["identifier"] for i in json.loads(hidden)["CFItems"]}
    for association in package["CFAssociations"]:
        assert association["destinationNodeURI"]["identifier"] not in hidden_items


@pytest.mark.parametrize("slug", SLUGS)
def test_round_trip_gives_the_same_package(standards, slug) -> None:
    before = case.dumps(export(slug))
    result = standards_import(data=before.encode(), replace=True)
    assert [s.slug for s in result.standards] == [slug]
    assert case.dumps(export(slug)) == before


def test_a_foreign_package_imports_as_a_new_standard(standards) -> None:
    package = export("scdcpc306")
    del package["CFDocument"]["extensions"]
    for item in package["CFItems"]:
        item.pop("extensions", None)
    old = package["CFDocument"]["identifier"]
    package = json.loads(json.dumps(package).replace(old, str(uuid.uuid4())))
    package["CFDocument"]["title"] = "Imported from elsewhere"
    result = standards_import(data=json.dumps(package).encode())
    standard = result.standards[0]
    assert standard.slug == "imported-from-elsewhere"
    assert standard.code == ""  # never invented
    assert standard.case_identifier == uuid.UUID(package["CFDocument"]["identifier"])
    assert standard.criteria.count() == Standard.objects.get(slug="scdcpc306").criteria.count()
    p1 = standard.criteria.get(reference="P1")
    original = next(i for i in package["CFItems"] if i.get("humanCodingScheme") == "P1")
    assert str(p1.case_identifier) == original["identifier"]


def _refused(package: dict) -> list[str]:
    count = Standard.objects.count()
    with pytest.raises(ImportRefused) as refused:
        standards_import(data=json.dumps(package).encode(), replace=True)
    assert Standard.objects.count() == count, "nothing imported"
    return [str(problem) for problem in refused.value.problems]


def test_schema_problems_are_located(standards) -> None:
    package = export("scdcpc306")
    del package["CFItems"][3]["uri"]
    package["CFAssociations"][0]["associationType"] = "isCousinOf"
    problems = _refused(package)
    assert any(p.startswith("CFItems[3]: ") and "'uri' is a required" in p for p in problems)
    assert any(p.startswith("CFAssociations[0].associationType") for p in problems)


def test_a_criterion_without_its_reference_is_refused(standards) -> None:
    package = export("scdcpc306")
    index, item = next(
        (n, i) for n, i in enumerate(package["CFItems"]) if i.get("humanCodingScheme") == "P2"
    )
    del item["humanCodingScheme"]
    problems = _refused(package)
    assert any(p.startswith(f"CFItems[{index}]") and "humanCodingScheme" in p for p in problems)


def test_an_unplaced_item_and_deep_nesting_are_refused(standards) -> None:
    package = export("scdcpc306")
    loose = copy.deepcopy(package["CFItems"][-1])
    loose["identifier"] = str(uuid.uuid4())
    loose["humanCodingScheme"] = "P99"
    package["CFItems"].append(loose)
    problems = _refused(package)
    assert any("no isChildOf association" in p for p in problems)


def test_problems_in_our_own_rules_are_located_in_the_package(standards) -> None:
    package = export("scdcpc306")
    items = [i for i in package["CFItems"] if i.get("humanCodingScheme") in ("P1", "P2")]
    items[1]["humanCodingScheme"] = "P1"
    problems = _refused(package)
    assert any(p.startswith("CFItems[") and 'reference "P1" is already used' in p for p in problems)


def test_an_identifier_in_use_by_another_standard_is_refused(standards) -> None:
    package = export("scdcpc306")
    package["CFDocument"]["extensions"]["slug"] = "another-slug"
    problems = _refused(package)
    assert any(p.startswith("CFDocument.identifier") for p in problems)
