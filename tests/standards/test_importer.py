"""Every problem the importer detects: its message, its location, and that nothing was imported."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from standards.importer import MAX_FILE_BYTES, parse_json, validate
from standards.models import Criterion, CriterionGroup, Standard
from standards.services import ImportRefused, standards_import

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "example-standard.json"


def example() -> list[dict[str, Any]]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def problems_of(document: Any) -> list[str]:
    return [str(p) for p in validate(document)[1]]


def refused(data: bytes) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        standards_import(data=data)
    assert not Standard.objects.exists()
    assert not Criterion.objects.exists()
    return [str(p) for p in caught.value.problems]


def dump(document: Any) -> bytes:
    return json.dumps(document).encode()


def test_example_is_valid() -> None:
    parsed, problems = validate(example())
    assert problems == []
    assert parsed.slugs == ["example-ex001-v1"]
    assert len(parsed.groups) == 3
    assert len(parsed.criteria) == 5


def test_committed_fixture_is_valid() -> None:
    document, problems = parse_json(Path("fixtures/standards.json").read_bytes())
    parsed, problems = validate(document)
    assert problems == []
    assert len(parsed.standards) == 5
    assert parsed.ignored_equivalences == 76


@pytest.mark.django_db
def test_json_syntax_error_has_line_and_column() -> None:
    assert refused(b'[\n  {"model": "standards.standard",\n  "fields": {}\n  ]') == [
        "line 4, column 3: JSON syntax error: Expecting ',' delimiter"
    ]


@pytest.mark.django_db
def test_not_utf8() -> None:
    assert refused(b'["\xff"]') == ["file: byte 2 is not UTF-8; save the file as UTF-8"]


@pytest.mark.django_db
def test_too_large() -> None:
    assert refused(b" " * (MAX_FILE_BYTES + 1)) == [
        "file: the file is 5.0 MB; at most 5 MB can be imported at once"
    ]


@pytest.mark.django_db
def test_top_level_must_be_a_list() -> None:
    assert refused(b'{"model": "standards.standard"}') == [
        "file: the top level must be a list of objects, [ ... ]"
    ]


@pytest.mark.django_db
def test_no_standard_in_file() -> None:
    assert refused(b"[]") == ['file: the file declares no standard ("standards.standard")']


@pytest.mark.django_db
def test_every_problem_in_one_file_is_reported_together() -> None:
    doc = example()
    doc[0]["fields"]["title"] = 12
    doc[4]["fields"]["text"] = None
    doc.append({"model": "standards.unit", "fields": {}})
    problems = refused(dump(doc))
    assert problems == [
        'objects[0] (standards.standard "example-ex001-v1"): field "title" must be a string',
        'objects[4] (standards.criterion "P1"): field "text" must be a string',
        'objects[9] (standards.unit): unknown model "standards.unit"; expected one of '
        "standards.standard, standards.criteriongroup, standards.criterion, "
        "standards.equivalencegroup",
    ]


def test_object_not_a_dict() -> None:
    doc = [*example(), "P4"]
    assert problems_of(doc) == ['objects[9]: must be an object {"model": …, "fields": …}']


def test_pk_and_unknown_keys() -> None:
    doc = example()
    doc[1]["pk"] = 3
    doc[2]["extra"] = True
    assert problems_of(doc) == [
        'objects[1] (standards.criteriongroup "A"): key "pk" is not allowed: objects are '
        "identified by natural keys",
        'objects[2] (standards.criteriongroup "B"): key "extra" is not allowed: not part of it',
    ]


def test_missing_model_and_fields() -> None:
    doc = example()
    del doc[1]["model"]
    doc[2]["fields"] = []
    group_1 = '["example-ex001-v1", "performance", 1]'
    assert problems_of(doc) == [
        'objects[1]: key "model" is missing',
        'objects[2] (standards.criteriongroup): key "fields" must be an object of field values',
        f'objects[4] (standards.criterion "P1"): group {group_1} is not defined in this file',
        f'objects[5] (standards.criterion "P2"): group {group_1} is not defined in this file',
        'objects[6] (standards.criterion "P3"): group ["example-ex001-v1", "performance", 2] '
        "is not defined in this file",
    ]


def test_criterion_in_undefined_group() -> None:
    doc = example()
    doc[6]["fields"]["group"] = ["example-ex001-v1", "performance", 7]
    assert problems_of(doc) == [
        'objects[6] (standards.criterion "P3"): group ["example-ex001-v1", "performance", 7] '
        "is not defined in this file",
        'objects[2] (standards.criteriongroup "B"): the group has no criteria',
    ]


def test_missing_required_and_unknown_fields() -> None:
    doc = example()
    del doc[0]["fields"]["source_document"]
    doc[0]["fields"]["colour"] = "blue"
    del doc[7]["fields"]["reference"]
    problems = problems_of(doc)
    assert problems[:3] == [
        'objects[0] (standards.standard "example-ex001-v1"): unknown field "colour"',
        'objects[0] (standards.standard "example-ex001-v1"): required field "source_document" '
        "is missing",
        'objects[7] (standards.criterion): required field "reference" is missing',
    ]


@pytest.mark.parametrize(
    ("index", "name", "value", "message"),
    [
        (0, "slug", "has spaces", 'field "slug" must be a slug: letters, digits, hyphens'),
        (0, "slug", "search", "field \"slug\" cannot be 'search': that word is reserved"),
        (0, "code", "X" * 51, 'field "code" is 51 characters long; at most 50 are allowed'),
        (0, "title", "  ", 'field "title" must not be empty'),
        (1, "kind", "skills", 'field "kind" must be one of performance, knowledge, not "skills"'),
        (1, "order", 0, 'field "order" must be a whole number of 1 or more'),
        (1, "order", True, 'field "order" must be a whole number of 1 or more'),
        (1, "standard", "example-ex001-v1", 'field "standard" must be a natural key'),
        (4, "group", ["example-ex001-v1", 1], 'field "group" must be a natural key'),
        (4, "text_status", "lost", 'field "text_status" must be one of complete, partial'),
    ],
)
def test_field_values(index: int, name: str, value: Any, message: str) -> None:
    doc = example()
    doc[index]["fields"][name] = value
    problems = problems_of(doc)
    assert any(p.startswith(f"objects[{index}] (") and message in p for p in problems), problems


def test_group_of_undefined_standard() -> None:
    doc = example()
    doc[3]["fields"]["standard"] = ["other"]
    problems = problems_of(doc)
    assert problems[0] == (
        'objects[3] (standards.criteriongroup "Knowledge and understanding"): '
        'standard ["other"] is not defined in this file'
    )


def test_criterion_of_undefined_standard_and_foreign_group() -> None:
    doc = example()
    doc[4]["fields"]["standard"] = ["other"]
    assert problems_of(doc)[:2] == [
        'objects[4] (standards.criterion "P1"): standard ["other"] is not defined in this file',
        'objects[4] (standards.criterion "P1"): group ["example-ex001-v1", "performance", 1] '
        'belongs to standard "example-ex001-v1", not to this criterion\'s standard "other"',
    ]


def test_duplicate_slug() -> None:
    doc = example()
    doc.append(copy.deepcopy(doc[0]))
    assert problems_of(doc) == [
        'objects[9] (standards.standard "example-ex001-v1"): slug "example-ex001-v1" is already '
        "used by objects[0]"
    ]


def test_duplicate_reference() -> None:
    doc = example()
    doc[5]["fields"]["reference"] = "P1"
    assert problems_of(doc) == [
        'objects[5] (standards.criterion "P1"): reference "P1" is already used by objects[4] '
        "in this standard"
    ]


def test_kind_not_matching_group() -> None:
    doc = example()
    doc[7]["fields"]["kind"] = "performance"
    problems = problems_of(doc)
    assert problems[0] == (
        'objects[7] (standards.criterion "K1"): kind "performance" does not match its '
        'group\'s kind "knowledge"'
    )


def test_criterion_order_gap_and_duplicate() -> None:
    doc = example()
    doc[5]["fields"]["order"] = 1
    doc[6]["fields"]["order"] = 5
    assert problems_of(doc) == [
        'objects[5] (standards.criterion "P2"): order 1 of the performance criteria is already '
        "used by objects[4]",
        'objects[0] (standards.standard "example-ex001-v1"): the orders of the performance '
        "criteria must run 1, 2, 3… without gaps: 2, 3, 4 missing",
    ]


def test_group_order_gap_and_duplicate() -> None:
    doc = example()
    doc[2]["fields"]["order"] = 1
    assert (
        'objects[2] (standards.criteriongroup "B"): order 1 of the performance groups is '
        "already used by objects[1]"
    ) in problems_of(doc)
    doc = example()
    doc[2]["fields"]["order"] = 3
    doc[6]["fields"]["group"][2] = 3
    assert problems_of(doc) == [
        'objects[0] (standards.standard "example-ex001-v1"): the orders of the performance '
        "groups must run 1, 2, 3… without gaps: 2 missing"
    ]


@pytest.mark.parametrize(
    ("index", "status", "text", "message"),
    [
        (4, "complete", " ", 'text_status is "complete" but the text is empty; use "missing"'),
        (8, "partial", "", 'text_status is "partial" but the text is empty'),
        (6, "missing", "words", 'text_status is "missing" but there is text'),
    ],
)
def test_text_and_status_disagree(index: int, status: str, text: str, message: str) -> None:
    doc = example()
    doc[index]["fields"].update(text_status=status, text=text)
    (problem,) = problems_of(doc)
    assert problem.startswith(f"objects[{index}] (standards.criterion ")
    assert message in problem


def test_standard_and_group_without_criteria() -> None:
    doc = [obj for obj in example() if obj["model"] != "standards.criterion"]
    assert problems_of(doc) == [
        'objects[0] (standards.standard "example-ex001-v1"): the standard has no criteria',
        'objects[1] (standards.criteriongroup "A"): the group has no criteria',
        'objects[2] (standards.criteriongroup "B"): the group has no criteria',
        'objects[3] (standards.criteriongroup "Knowledge and understanding"): the group has no '
        "criteria",
    ]


def test_text_status_defaults_to_complete_and_equivalences_are_ignored() -> None:
    doc = example()
    del doc[4]["fields"]["text_status"]
    doc.append({"model": "standards.equivalencegroup", "fields": {"anything": 1}})
    parsed, problems = validate(doc)
    assert problems == []
    assert parsed.criteria[0]["text_status"] == "complete"
    assert parsed.ignored_equivalences == 1


@pytest.mark.django_db
def test_nothing_written_when_a_problem_is_found_late() -> None:
    doc = example()
    doc[8]["fields"]["text"] = ""
    refused(dump(doc))
    assert not CriterionGroup.objects.exists()
