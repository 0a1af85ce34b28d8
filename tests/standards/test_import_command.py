"""python manage.py import_standard FILE [--replace]."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from standards.importer import MAX_FILE_BYTES
from standards.models import Criterion, EquivalenceGroup, Standard, TextCorrection
from standards.services import correction_create
from tests.factories import CriterionFactory, EnrolmentFactory, StandardFactory, UserFactory
from tests.standards.test_importer import EXAMPLE, example

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "standards.json"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_standard", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, document: object) -> str:
    path = tmp_path / "standard.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_documented_example_imports_cleanly() -> None:
    out, err = run(str(EXAMPLE))
    assert err == ""
    assert "Imported example-ex001-v1: EX001 Keep records of commissioning decisions" in out
    assert "5 criteria imported" in out
    standard = Standard.objects.get(slug="example-ex001-v1")
    assert standard.groups.count() == 3
    p3 = standard.criteria.get(reference="P3")
    assert (p3.text, p3.text_status, p3.group.reference) == ("", "missing", "B")


def test_fixture_imports_and_recomputes_the_committed_equivalence_groups() -> None:
    out, _ = run(str(FIXTURE))
    assert "Ignored 76 equivalence group(s) in the file." in out
    committed = {
        o["fields"]["key"]: (
            o["fields"]["match"],
            o["fields"]["similarity"],
            sorted(tuple(m) for m in o["fields"]["criteria"]),
        )
        for o in json.loads(FIXTURE.read_text(encoding="utf-8"))
        if o["model"] == "standards.equivalencegroup"
    }
    stored = {
        g.key: (
            g.match,
            g.similarity,
            sorted((c.standard.slug, c.reference) for c in g.criteria.select_related("standard")),
        )
        for g in EquivalenceGroup.objects.all()
    }
    assert stored == committed


def test_problems_are_printed_and_nothing_is_imported(tmp_path: Path) -> None:
    doc = example()
    doc[4]["fields"]["text"] = 7
    doc[5]["fields"]["reference"] = "P3"
    path = write(tmp_path, doc)
    err = StringIO()
    with pytest.raises(CommandError, match="2 problems found; nothing was imported"):
        call_command("import_standard", path, stderr=err)
    assert err.getvalue().splitlines() == [
        f'{path}: objects[4] (standards.criterion "P1"): field "text" must be a string',
        f'{path}: objects[6] (standards.criterion "P3"): reference "P3" is already used by '
        "objects[5] in this standard",
    ]
    assert not Standard.objects.exists()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.json"))


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(CommandError, match="at most 5 MB"):
        run(str(path))


def test_same_slug_twice_is_refused_without_replace() -> None:
    run(str(EXAMPLE))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem found"):
        call_command("import_standard", str(EXAMPLE), stderr=err)
    assert (
        'standards.standard "example-ex001-v1": a standard with the same slug '
        '"example-ex001-v1" is already loaded' in err.getvalue()
    )
    assert Standard.objects.count() == 1


def test_same_code_and_version_under_another_slug_is_refused(tmp_path: Path) -> None:
    StandardFactory(slug="older-copy", code="EX001", version="1")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_standard", str(EXAMPLE), stderr=err)
    assert 'the same code "EX001" and version "1" is already loaded' in err.getvalue()
    # With --replace, the stored copy is replaced by the file's standard.
    run(str(EXAMPLE), "--replace")
    assert list(Standard.objects.values_list("slug", flat=True)) == ["example-ex001-v1"]


def test_replace_when_unused() -> None:
    run(str(EXAMPLE))
    Criterion.objects.filter(reference="P1").update(text="changed locally")
    out, _ = run(str(EXAMPLE), "--replace")
    assert "Replaced 1 existing standard(s)." in out
    assert Criterion.objects.get(reference="P1").text.startswith("record each decision")


def test_replace_refused_while_enrolled() -> None:
    run(str(EXAMPLE))
    EnrolmentFactory(standard=Standard.objects.get())
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_standard", str(EXAMPLE), "--replace", stderr=err)
    assert 'cannot replace "example-ex001-v1": 1 enrolment uses it' in err.getvalue()


def test_replace_keeps_supplied_corrections(tmp_path: Path) -> None:
    run(str(EXAMPLE))
    admin = UserFactory(is_centre_admin=True, full_name="Dave Admin")
    p3 = Criterion.objects.get(reference="P3")
    first = correction_create(criterion=p3, text="older", source="PDF", supplied_by=admin)
    correction_create(criterion=p3, text="newer", source="PDF v2", supplied_by=admin)
    run(str(EXAMPLE), "--replace")
    new_p3 = Criterion.objects.get(reference="P3")
    assert new_p3.pk != p3.pk
    kept = list(new_p3.corrections.values_list("text", "supplied_at"))
    assert [text for text, _ in kept] == ["newer", "older"]
    assert kept[1][1] == first.supplied_at


def test_replace_refused_when_a_corrected_criterion_would_disappear(tmp_path: Path) -> None:
    run(str(EXAMPLE))
    admin = UserFactory(is_centre_admin=True)
    p3 = Criterion.objects.get(reference="P3")
    correction_create(criterion=p3, text="words", source="PDF", supplied_by=admin)
    doc = [o for o in example() if o["fields"].get("reference") != "P3"]
    doc = [o for o in doc if o["fields"].get("reference") != "B"]
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_standard", write(tmp_path, doc), "--replace", stderr=err)
    assert "criterion P3 has supplied corrections and is not in the new file" in err.getvalue()
    assert TextCorrection.objects.get().criterion == p3


def test_equivalences_recomputed_across_standards() -> None:
    other = CriterionFactory(
        group__kind="knowledge",
        reference="K9",
        text="Legal and work-setting requirements for equality, diversity, discrimination "
        "and rights.",
    )
    out, _ = run(str(EXAMPLE))
    assert "1 equivalence groups after recomputing" in out
    group = EquivalenceGroup.objects.get()
    assert group.match == "exact"
    assert set(group.criteria.values_list("reference", flat=True)) == {"K1", "K9"}
    assert other.standard.slug != "example-ex001-v1"
