"""Verification of an untouched, an altered and an out-of-date PDF."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.management import CommandError, call_command

from assessments.models import RecordEntry
from assessments.services import record_append
from evidence.models import EvidenceFile
from portal.portfolio import services
from portal.portfolio.models import PortfolioExport
from portal.portfolio.verify import verify_pdf


@pytest.fixture
def exported(people, portfolio) -> bytes:
    export = services.export_request(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.LEARNER,
        scope_label="Alice",
        learners=[people.learner],
    )
    with export.result.open("rb") as handle:
        return handle.read()


def test_untouched_pdf_matches(exported) -> None:
    result = verify_pdf(exported)
    assert result.matches, result.problems + result.updates
    assert result.verdict.startswith("Verified")


def test_altered_pdf_is_detected(exported) -> None:
    with pikepdf.open(io.BytesIO(exported)) as pdf:
        pdf.docinfo["/Title"] = "Someone else"
        buffer = io.BytesIO()
        pdf.save(buffer)
    result = verify_pdf(buffer.getvalue())
    assert result.document is not None and not result.genuine
    assert any("altered after export" in p for p in result.problems)


def test_appended_bytes_are_detected(exported) -> None:
    result = verify_pdf(exported + b"\n% edited\n")
    assert not result.matches and not result.unchanged_bytes


def test_record_added_since_export(exported, portfolio, people) -> None:
    record_append(
        enrolment=portfolio,
        actor=people.assessor,
        action=RecordEntry.Action.JUDGEMENT,
        payload={"criterion": 1, "met": False},
    )
    result = verify_pdf(exported)
    assert result.genuine and not result.matches
    assert any("added since export" in u for u in result.updates)
    assert result.verdict.startswith("Genuine but out of date")


def test_changed_file_hash_is_detected(exported, portfolio) -> None:
    EvidenceFile.objects.filter(item__enrolment=portfolio).update(sha256="0" * 64)
    result = verify_pdf(exported)
    assert any("SHA-256 differs" in p for p in result.problems)


def test_unknown_code(exported) -> None:
    from portal.portfolio.models import PortfolioDocument

    PortfolioDocument.objects.update(verification_code="PF-XXXX-XXXX-XXXX")
    result = verify_pdf(exported)
    assert result.document is None
    assert "unknown to this portal" in result.verdict


def test_not_a_portfolio() -> None:
    assert verify_pdf(b"hello").document is None


def test_command(exported, tmp_path) -> None:
    path = tmp_path / "p.pdf"
    path.write_bytes(exported)
    out = io.StringIO()
    call_command("verify_portfolio", str(path), stdout=out)
    assert "Verified" in out.getvalue()
    path.write_bytes(exported + b"x")
    with pytest.raises(CommandError):
        call_command("verify_portfolio", str(path), stdout=io.StringIO())
