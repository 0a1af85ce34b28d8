"""The record head printed in the PDF and kept with it; verification by code as well as by
file: what was exported, whether the record and evidence it covered still hold, whether
anything was decided since. Through the services, the page (test client) and the command."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import RecordEntry
from assessments.record import RecordHead, record_head, verify_span
from assessments.services import record_append
from evidence.models import EvidenceFile
from portal.portfolio import services
from portal.portfolio.forms import normalise_code
from portal.portfolio.models import PortfolioDocument, PortfolioExport
from portal.portfolio.verify import verify_code, verify_pdf

URL = reverse("portfolio:verify")
# The record of Alpha Centre, edited behind the application's back (PostgreSQL's trigger
# refuses such an UPDATE, which is the point; these tests show what verification says).
needs_editable_record = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the trigger blocks the UPDATE"
)


@pytest.fixture
def exported(people, portfolio) -> PortfolioDocument:
    export = services.export_request(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.LEARNER,
        scope_label="Alice",
        learners=[people.learner],
    )
    return export.documents.get()


def _pdf(document: PortfolioDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def _edit_payload(entry: RecordEntry, payload: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_recordentry SET payload = %s WHERE id = %s", [payload, entry.pk]
        )


# --- the head, printed and kept -------------------------------------------------------------


def test_export_keeps_and_prints_the_record_head(people, exported) -> None:
    latest = RecordEntry.objects.filter(centre=people.centre).order_by("-sequence").first()
    assert exported.record_head_sequence == latest.sequence
    assert exported.record_head_hash == latest.entry_hash
    assert exported.manifest["record_head"] == {
        "sequence": latest.sequence,
        "entry_hash": latest.entry_hash,
    }
    assert exported.manifest["learner"]["name"] == "Alice Learner"
    text = _text(_pdf(exported)).replace(" ", "")
    assert f"entry#{latest.sequence}ofthecentre'srecord" in text
    assert latest.entry_hash in text


def test_pdf_record_appendix_reads_as_a_record(people, exported) -> None:
    text = _text(_pdf(exported))
    assert "Bob Assessor judged" in text
    assert "Bob Assessor signed the unit off" in text
    # The builders write a bare payload, as an old entry might have: a word is left out.
    assert "Bob Assessor accepted an evidence item: “Good account 1.”" in text


def test_record_head_of_an_empty_record(people) -> None:
    assert record_head(people.other_centre.pk) == RecordHead(0, "0" * 64)


# --- verify_span ----------------------------------------------------------------------------


def _append(people, n: int) -> list[RecordEntry]:
    return [
        record_append(
            enrolment=people.enrolment,
            actor=people.assessor,
            action=RecordEntry.Action.JUDGEMENT,
            payload={"criterion": "P1", "met": True, "rationale": str(i)},
        )
        for i in range(n)
    ]


def test_span_to_an_unchanged_head_verifies(people) -> None:
    entries = _append(people, 4)
    head = RecordHead(entries[-1].sequence, entries[-1].entry_hash)
    assert verify_span(people.centre.pk, first=entries[1].sequence, head=head) is None


@needs_editable_record
def test_span_finds_an_edited_entry_between(people) -> None:
    entries = _append(people, 4)
    head = RecordHead(entries[-1].sequence, entries[-1].entry_hash)
    _edit_payload(entries[2], '{"criterion": "P1", "met": false}')
    broken = verify_span(people.centre.pk, first=entries[1].sequence, head=head)
    assert broken is not None and broken.sequence == entries[2].sequence


@needs_editable_record
def test_span_finds_a_removed_head(people) -> None:
    entries = _append(people, 3)
    head = RecordHead(entries[-1].sequence, entries[-1].entry_hash)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_recordentry WHERE id = %s", [entries[-1].pk])
    broken = verify_span(people.centre.pk, first=entries[0].sequence, head=head)
    assert broken is not None and "missing" in broken.reason


def test_span_finds_a_head_with_another_hash(people) -> None:
    entries = _append(people, 2)
    head = RecordHead(entries[-1].sequence, "f" * 64)
    broken = verify_span(people.centre.pk, first=entries[0].sequence, head=head)
    assert broken is not None and "head" in broken.reason


# --- verification by code -------------------------------------------------------------------


def test_code_of_an_untouched_export(exported) -> None:
    result = verify_code(exported.verification_code)
    assert result.matches, result.problems + result.updates
    assert result.verdict.startswith("Intact:")
    assert result.sha256 == exported.sha256
    assert result.learner_name == "Alice Learner"
    assert result.head == RecordHead(exported.record_head_sequence, exported.record_head_hash)


def test_code_when_decisions_were_made_since(people, portfolio, exported) -> None:
    record_append(
        enrolment=portfolio,
        actor=people.assessor,
        action=RecordEntry.Action.JUDGEMENT,
        payload={"criterion": "P1", "met": False},
    )
    result = verify_code(exported.verification_code)
    assert result.genuine and not result.matches
    assert result.verdict.startswith("Intact but out of date")
    assert any("added since export" in u for u in result.updates)


@needs_editable_record
def test_code_when_an_exported_entry_was_edited(portfolio, exported) -> None:
    entry = RecordEntry.objects.filter(enrolment=portfolio).order_by("sequence").first()
    _edit_payload(entry, '{"criterion": "P1", "met": true, "rationale": "rewritten"}')
    result = verify_code(exported.verification_code)
    assert not result.genuine
    assert result.verdict.startswith("Not intact")
    assert any("no longer verifies" in p for p in result.problems)


@needs_editable_record
def test_code_when_another_learners_entry_inside_the_span_was_edited(
    people, portfolio, exported
) -> None:
    """The chain up to the head pins entries that are not the learner's too."""
    first = RecordEntry.objects.filter(enrolment=portfolio).order_by("sequence").first()
    other = record_append(
        enrolment=people.enrolment,
        actor=people.assessor,
        action=RecordEntry.Action.JUDGEMENT,
        payload={"criterion": "P1", "met": True},
    )
    # Rebuild the export so that the other learner's entry lies inside its span.
    document = verify_code(exported.verification_code).document
    assert document is not None
    PortfolioDocument.objects.filter(pk=document.pk).update(
        record_head_sequence=other.sequence, record_head_hash=other.entry_hash
    )
    assert verify_code(exported.verification_code).problems == []
    _edit_payload(other, '{"criterion": "P1", "met": false}')
    result = verify_code(exported.verification_code)
    assert any(f"from entry #{first.sequence}" in p for p in result.problems)


def test_code_when_an_evidence_file_changed(portfolio, exported) -> None:
    EvidenceFile.objects.filter(item__enrolment=portfolio).update(sha256="0" * 64)
    result = verify_code(exported.verification_code)
    assert any("SHA-256 differs" in p for p in result.problems)


def test_unknown_code(db) -> None:
    result = verify_code("PF-AAAA-BBBB-CCCC")
    assert result.document is None
    assert result.verdict == (
        "Not verified: no portfolio was exported under the code PF-AAAA-BBBB-CCCC."
    )


def test_file_verification_checks_the_head_too(exported) -> None:
    result = verify_pdf(_pdf(exported))
    assert result.matches
    assert result.verdict.startswith("Verified")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("PF-7KQ2-M9XD-4HTA", "PF-7KQ2-M9XD-4HTA"),
        ("  pf-7kq2-m9xd-4hta ", "PF-7KQ2-M9XD-4HTA"),
        ("PF 7KQ2 M9XD 4HTA", "PF-7KQ2-M9XD-4HTA"),
        ("7KQ2M9XD4HTA", "PF-7KQ2-M9XD-4HTA"),
        ("PF-7KQ2-M9XD-4HT", ""),
        ("PF-7KQ2-M9XD-4HT0", ""),  # no 0 in the alphabet
        ("PF-7KQ2-M9XD-4HTA-XXXX", ""),
        ("<script>", ""),
    ],
)
def test_normalise_code(typed: str, code: str) -> None:
    assert normalise_code(typed) == code


# --- the page -------------------------------------------------------------------------------


def test_page_offers_code_and_file(people) -> None:
    response = people.client_for(people.learner).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in html and 'name="pdf"' in html
    assert 'maxlength="40"' in html


def test_page_with_a_code(people, exported) -> None:
    client = people.client_for(people.assessor)
    typed = exported.verification_code.lower()
    response = client.post(URL, {"code": typed, "check": "code"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Intact: the record entries and evidence files of this export are unchanged" in html
    assert "portfolio of Alice Learner at Alpha Centre" in html
    assert exported.sha256 in html
    assert exported.record_head_hash in html
    assert f"ended at entry #{exported.record_head_sequence}" in html


def test_page_with_an_unknown_code(people, exported) -> None:
    response = people.client_for(people.learner).post(
        URL, {"code": "PF-AAAA-BBBB-CCCC", "check": "code"}
    )
    assert response.status_code == 200
    assert "no portfolio was exported under the code PF-AAAA-BBBB-CCCC" in (
        response.content.decode()
    )


@pytest.mark.parametrize("typed", ["hello", "PF-" + "A" * 60, "PF-7KQ2-M9XD-4H\x00A", ""])
def test_page_with_a_malformed_or_missing_code(people, typed: str) -> None:
    response = people.client_for(people.learner).post(URL, {"code": typed, "check": "code"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "verification code" in html.lower()


def test_page_with_a_file_still_works(people, exported) -> None:
    upload = SimpleUploadedFile("p.pdf", _pdf(exported), content_type="application/pdf")
    response = people.client_for(people.learner).post(URL, {"pdf": upload, "check": "pdf"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verified: this PDF is exactly as exported" in html
    assert exported.record_head_hash in html


def test_page_with_no_file(people) -> None:
    response = people.client_for(people.learner).post(URL, {"check": "pdf"})
    assert response.status_code == 400
    assert "Choose the exported PDF to verify." in response.content.decode()


def test_page_is_for_signed_in_users(people, exported) -> None:
    response = people.client_for(None).post(
        URL, {"code": exported.verification_code, "check": "code"}
    )
    assert response.status_code == 302 and "login" in response["Location"]


# --- the command ----------------------------------------------------------------------------


def test_command_with_a_code(exported) -> None:
    out = io.StringIO()
    call_command("verify_portfolio", exported.verification_code.lower(), stdout=out)
    assert "Intact" in out.getvalue()
    assert exported.sha256 in out.getvalue()


def test_command_with_neither_file_nor_code(db) -> None:
    with pytest.raises(CommandError, match="not a verification code"):
        call_command("verify_portfolio", "/nowhere/p.pdf", stdout=io.StringIO())


def test_command_with_an_unknown_code(db) -> None:
    with pytest.raises(CommandError, match="The export does not match"):
        call_command("verify_portfolio", "PF-AAAA-BBBB-CCCC", stdout=io.StringIO())


def _add_file_later(enrolment) -> None:
    from tests.assessments.helpers import make_item

    item = make_item(enrolment)  # rows made directly: the unit is signed off
    EvidenceFile.objects.filter(item=item).update(original_name="care-plan-added-later.png")


def test_a_code_tells_a_stranger_only_whether_it_holds(people, portfolio, exported) -> None:
    """Issue 14 part 6: a signed-in user of another centre with a code learns the verdict,
    the time and the hashes, but not whose portfolio it is nor what was added since."""
    _add_file_later(portfolio)
    response = people.client_for(people.outsider_admin).post(
        URL, {"code": exported.verification_code, "check": "code"}
    )
    html = response.content.decode()
    assert "Intact but out of date" in html
    assert "Alice Learner" not in html and "Alpha Centre" not in html
    assert "care-plan-added-later" not in html and "1 evidence file(s) were added" in html
    assert "you may not see whose" in html
    own = people.client_for(people.learner).post(
        URL, {"code": exported.verification_code, "check": "code"}
    )
    text = own.content.decode()
    assert "portfolio of Alice Learner at Alpha Centre" in text
    assert "care-plan-added-later.png was added since export" in text


def test_the_genuine_pdf_names_only_what_it_prints(people, portfolio, exported) -> None:
    _add_file_later(portfolio)
    upload = SimpleUploadedFile("p.pdf", _pdf(exported), content_type="application/pdf")
    html = (
        people.client_for(people.outsider_learner)
        .post(URL, {"pdf": upload, "check": "pdf"})
        .content.decode()
    )
    assert "portfolio of Alice Learner at Alpha Centre" in html  # printed in the PDF itself
    assert "care-plan-added-later" not in html and "1 evidence file(s) were added" in html
    altered = SimpleUploadedFile(
        "p.pdf", _pdf(exported) + b"\n%x\n", content_type="application/pdf"
    )
    html = (
        people.client_for(people.outsider_learner)
        .post(URL, {"pdf": altered, "check": "pdf"})
        .content.decode()
    )
    assert "Alice Learner" not in html  # an altered copy is not taken at its word
