"""Malformed standards files through the import page and ``manage.py import_standard``:
every one is a 400 page listing its problems with their locations, or a CommandError
(exit code 1) with one line per problem; never a traceback, and nothing is imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from standards.importer import MAX_PROBLEMS, parse_json, validate
from standards.models import Criterion, Standard
from tests.security.corpus import as_json, nested_json, standard_doc

URL = reverse("standards:import")


def _with(index: int, **fields: object) -> bytes:
    doc = standard_doc()
    doc[index]["fields"].update(fields)
    return as_json(doc)


def _replace(index: int, value: object) -> bytes:
    doc: list = standard_doc()
    doc[index] = value
    return as_json(doc)


CASES = [
    ("nested-array-bomb", nested_json(100_000), "nested 100000 levels deep; at most 20"),
    ("nested-object-bomb", b'{"a":' * 5000 + b"1" + b"}" * 5000, "nested 5000 levels deep"),
    (
        "nested-in-a-field",
        _with(2, text=json.loads("[" * 30 + "]" * 30)),
        "levels deep; at most 20",
    ),
    ("huge-order", _with(2, order=10**15), 'field "order" is 1000000000000000; orders run'),
    ("huge-group-order", _with(1, order=10**12), 'field "order" is 1000000000000; orders run'),
    ("group-key-huge-order", _with(2, group=["bad-input", "performance", 10**9]), "natural key"),
    ("negative-order", _with(2, order=-5), 'field "order" must be a whole number of 1 or more'),
    ("zero-order", _with(2, order=0), "must be a whole number of 1 or more"),
    ("order-as-string", _with(2, order="1"), "must be a whole number of 1 or more"),
    ("order-as-float", _with(2, order=1.5), "must be a whole number of 1 or more"),
    ("order-as-list", _with(2, order=[1]), "must be a whole number of 1 or more"),
    ("order-as-bool", _with(2, order=True), "must be a whole number of 1 or more"),
    ("hundred-digit-number", _with(2, order=10**99), "has 100 digits; numbers in a standards"),
    ("nan", as_json(standard_doc()).replace(b'"order": 1', b'"order": NaN', 1), "NaN is not"),
    (
        "infinity-float",
        as_json(standard_doc()).replace(b'"order": 1', b'"order": 1e999', 1),
        "1 or more",
    ),
    ("text-as-object", _with(2, text={"a": 1}), 'field "text" must be a string'),
    ("reference-as-list", _with(2, reference=["P1"]), 'field "reference" must be a string'),
    ("kind-as-list", _with(2, kind=["performance"]), 'field "kind" must be a string'),
    ("slug-as-object", _with(0, slug={"x": 1}), 'field "slug" must be a string'),
    ("standard-key-as-string", _with(2, standard="bad-input"), "must be a natural key"),
    ("standard-key-of-list", _with(1, standard=[["bad-input"]]), "must be a natural key"),
    (
        "model-as-list",
        _replace(0, {"model": ["standards.standard"], "fields": {}}),
        'key "model" must be a string',
    ),
    (
        "fields-as-list",
        _replace(0, {"model": "standards.standard", "fields": []}),
        'key "fields" must be an object',
    ),
    ("object-as-number", _replace(1, 7), "must be an object"),
    ("top-level-object", b'{"model": "standards.standard"}', "the top level must be a list"),
    ("not-utf8", b'[{"model": "\xff"}]', "is not UTF-8"),
    ("empty-file", b"", "The submitted file is empty."),
    ("truncated-json", as_json(standard_doc())[:-7], "JSON syntax error"),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_file_is_a_400_page_with_its_problems(people, data, message) -> None:
    before = (Standard.objects.count(), Criterion.objects.count())
    file = SimpleUploadedFile("bad.json", data, content_type="application/json")
    response = people.client_for(people.admin).post(URL, {"file": file})
    assert response.status_code == 400
    assert "The file was not imported" in response.text
    assert message in response.text.replace("&quot;", '"').replace("&#x27;", "'")
    assert (Standard.objects.count(), Criterion.objects.count()) == before


@pytest.mark.parametrize(
    ("data", "message"), [c[1:] for c in CASES[::3]], ids=[c[0] for c in CASES[::3]]
)
def test_malformed_file_is_a_command_error(people, tmp_path, capsys, data, message) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_standard", str(path))
    assert message in capsys.readouterr().err
    assert not Standard.objects.filter(slug="bad-input").exists()


def test_the_command_exits_1_with_a_line_not_a_traceback(tmp_path) -> None:
    path = tmp_path / "bomb.json"
    path.write_bytes(nested_json(50_000))
    done = subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
        [sys.executable, "manage.py", "import_standard", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "nested 50000 levels deep" in done.stderr


def test_a_directory_is_a_command_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_standard", str(tmp_path))


def test_problems_are_capped() -> None:
    doc = standard_doc() + [{"model": "standards.nothing"}] * 5000
    _parsed, problems = validate(doc)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message.startswith("4,80") and "more problems not listed" in str(
        problems[-1]
    )


def test_a_huge_order_builds_no_huge_range() -> None:
    """The issue's 2.5 KB file: the largest order used to size a range (23 GB)."""
    document, problems = parse_json(_with(2, order=10**18))
    assert not problems
    _parsed, problems = validate(document)
    assert any("orders run 1, 2, 3… up to at most 10,000" in str(p) for p in problems)
