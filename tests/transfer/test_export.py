"""The package: a PDF/A, each evidence file once by SHA-256, a schema-valid signed manifest."""

from __future__ import annotations

import hashlib
import io
import json

import pikepdf
import pytest
from django.core.management import call_command

from assessments.models import RecordEntry
from portal.transfer import manifest as manifest_module
from portal.transfer import signing
from standards import case
from tests.transfer.helpers import build, manifest_of, members

pytestmark = pytest.mark.django_db


def test_package_holds_pdf_files_and_signed_manifest(portfolio) -> None:
    package = build(portfolio.learner)
    files = members(package)
    manifest = json.loads(files["manifest.json"])
    assert manifest_module.schema_problems(manifest) == []
    block = json.loads(files["manifest.sig.json"])
    assert signing.signature_problem(files["manifest.json"], block) is None
    assert files["portfolio.pdf"].startswith(b"%PDF")
    with pikepdf.open(io.BytesIO(files["portfolio.pdf"])) as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "3"  # PDF/A-3
    assert hashlib.sha256(files["portfolio.pdf"]).hexdigest() == manifest["pdf"]["sha256"]
    listed = {f["sha256"] for item in manifest["evidence"] for f in item["files"]}
    stored = {name.removeprefix("files/") for name in files if name.startswith("files/")}
    assert listed and stored == listed  # each file once, named by its hash
    for sha in stored:
        assert hashlib.sha256(files["files/" + sha]).hexdigest() == sha


def test_standards_are_case_references(portfolio) -> None:
    manifest = manifest_of(build(portfolio.learner))
    standard = portfolio.standard
    listed = next(s for s in manifest["standards"] if s["title"] == standard.title)
    assert listed["identifier"] == str(case.document_identifier(standard))
    assert listed["uri"].endswith(f"/CFDocuments/{listed['identifier']}")
    criterion = standard.criteria.order_by("kind", "order").first()
    assert {
        "identifier": str(case.item_identifier(criterion)),
        "reference": criterion.reference,
        "kind": criterion.kind,
    } in listed["criteria"]


def test_record_entries_carry_every_hashed_field(portfolio) -> None:
    manifest = manifest_of(build(portfolio.learner))
    entries = RecordEntry.objects.filter(enrolment__learner=portfolio.learner)
    assert {e["entry_hash"] for e in manifest["record"]} == {e.entry_hash for e in entries}
    judged = [e for enrolment in manifest["enrolments"] for e in enrolment["judgements"]]
    assert judged and all(j["decided_by"] for j in judged)
    assert any(s["sign_offs"] for s in manifest["enrolments"])
    assert manifest["record_head"]["sequence"] >= max(e["sequence"] for e in manifest["record"])


def test_an_invalid_manifest_is_reported_with_its_path(portfolio) -> None:
    manifest = manifest_of(build(portfolio.learner))
    manifest["record"][0]["entry_hash"] = "not a hash"
    assert manifest_module.schema_problems(manifest)[0].startswith("record/0/entry_hash:")


def test_command_writes_a_package(portfolio, tmp_path) -> None:
    out = io.StringIO()
    target = tmp_path / "package.zip"
    call_command("export_portfolio_package", portfolio.learner.username, str(target), stdout=out)
    assert "Wrote" in out.getvalue()
    assert manifest_of(target.read_bytes())["learner"]["username"] == portfolio.learner.username


def test_the_schema_is_a_valid_json_schema() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(manifest_module.SCHEMA_PATH.read_text()))
