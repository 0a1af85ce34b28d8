"""The package: a PDF/A, each evidence file once by SHA-256, a schema-valid signed manifest."""

from __future__ import annotations

import hashlib
import io
import json

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import RecordEntry
from portal.portfolio import services as portfolio_services
from portal.portfolio.models import PortfolioDocument
from portal.portfolio.verify import read_embedded
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


def test_command_reads_the_portfolio_once(portfolio, tmp_path, monkeypatch) -> None:
    """The PDF and the manifest come from one ``portfolio_data`` reading."""
    readings = []
    real = portfolio_services.portfolio_data

    def reading(*args, **kwargs):
        readings.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(portfolio_services, "portfolio_data", reading)
    monkeypatch.setattr("portal.portfolio.render.portfolio_data", reading)
    target = tmp_path / "package.zip"
    username = portfolio.learner.username
    call_command("export_portfolio_package", username, str(target), stdout=io.StringIO())
    assert readings == [portfolio.learner]
    manifest = manifest_of(target.read_bytes())
    pdf = members(target.read_bytes())["portfolio.pdf"]
    code, embedded = read_embedded(pdf)
    assert code == manifest["pdf"]["verification_code"]
    in_pdf = {f["sha256"] for f in embedded["files"]}
    assert {f["sha256"] for item in manifest["evidence"] for f in item["files"]} == in_pdf
    assert manifest["record_head"]["entry_hash"] == embedded["record_head"]["entry_hash"]


def test_the_commands_pdf_is_known_to_the_verify_page(people, portfolio, tmp_path) -> None:
    target = tmp_path / "package.zip"
    out = io.StringIO()
    call_command("export_portfolio_package", portfolio.learner.username, str(target), stdout=out)
    manifest = manifest_of(target.read_bytes())
    code = manifest["pdf"]["verification_code"]
    assert code in out.getvalue() and "/portfolio/verify/" in out.getvalue()
    document = PortfolioDocument.objects.get(verification_code=code)
    assert document.learner == portfolio.learner and document.export.is_package
    assert document.export.requested_by is None
    pdf = members(target.read_bytes())["portfolio.pdf"]

    client = people.client_for(people.admin)
    upload = SimpleUploadedFile("portfolio.pdf", pdf, content_type="application/pdf")
    response = client.post(reverse("portfolio:verify"), {"pdf": upload, "check": "pdf"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verified: this PDF is exactly as exported" in html
    response = client.post(reverse("portfolio:verify"), {"code": code.lower(), "check": "code"})
    html = response.content.decode()
    assert "Intact: the record entries and evidence files of this export are unchanged" in html
    assert document.sha256 in html


def test_command_without_a_key_fails_and_writes_nothing(portfolio, tmp_path, settings) -> None:
    settings.TRANSFER_SIGNING_KEY_FILE = ""
    target = tmp_path / "package.zip"
    with pytest.raises(CommandError, match="TRANSFER_SIGNING_KEY_FILE"):
        call_command("export_portfolio_package", portfolio.learner.username, str(target))
    assert not target.exists()


def test_the_schema_is_a_valid_json_schema() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(manifest_module.SCHEMA_PATH.read_text()))
