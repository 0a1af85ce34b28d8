"""First-page previews of PDF and Word evidence (evidence.previews): made by the worker once
per SHA-256, served only through the file's access check, reasons in words, bounded renderers.

The renderers are the real ones (poppler's pdftoppm, LibreOffice headless), so these tests
need poppler-utils and libreoffice-writer-nogui (scripts/bootstrap.sh installs both)."""

from __future__ import annotations

import datetime
import io
import time
from pathlib import Path

import pikepdf
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assessments.models import Enrolment
from evidence import previews, services
from evidence.models import EvidenceFile, private_storage
from portal.privacy.derived import derived_purge
from tests.evidence.helpers import add_file, make_item, one_page_pdf, pdf_bytes, word_docx


def damaged_pdf(text: str = "Damaged") -> bytes:
    """A PDF cut short: the upload checks accept it (viewers show what they can), poppler
    cannot read a page of it."""
    return one_page_pdf(text)[:300]


def encrypted_pdf() -> bytes:
    pdf = pikepdf.open(io.BytesIO(one_page_pdf()))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return out.getvalue()


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what an upload queues after its commit (the test settings' tasks run at once)."""

    def upload(item, name: str, content: bytes) -> EvidenceFile:
        with django_capture_on_commit_callbacks(execute=True):
            return add_file(item, name, content)

    return upload


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Record each render (the real one still runs)."""
    calls: list[str] = []
    real_pdf, real_office = previews.render_pdf, previews.render_office

    def pdf(source: Path, work: Path) -> bytes:
        calls.append("pdf")
        return real_pdf(source, work)

    def office(source: Path, work: Path) -> bytes:
        calls.append("office")
        return real_office(source, work)

    monkeypatch.setattr(previews, "render_pdf", pdf)
    monkeypatch.setattr(previews, "render_office", office)
    return calls


def _png(evidence_file: EvidenceFile) -> Image.Image:
    with private_storage().open(previews.png_name(evidence_file.sha256), "rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_a_pdf_gets_a_first_page_png_once_per_sha256(people, run_tasks, renders) -> None:
    first = run_tasks(make_item(people.enrolment), "report.pdf", one_page_pdf("Once"))
    again = run_tasks(make_item(people.enrolment), "copy of report.pdf", one_page_pdf("Once"))

    assert renders == ["pdf"]  # the second upload of the same bytes reuses the first preview
    assert again.sha256 == first.sha256
    image = _png(first)
    assert image.format == "PNG"
    assert max(image.size) == previews.PREVIEW_PIXELS
    assert image.size[1] > image.size[0]  # A4 portrait
    assert image.convert("L").getextrema()[0] < 128  # the text is drawn, not a blank page
    assert previews.preview_for(again) == previews.Preview("ready")


def test_the_preview_is_served_only_to_people_who_may_see_the_file(people, run_tasks) -> None:
    evidence_file = run_tasks(make_item(people.enrolment), "report.pdf", one_page_pdf("Access"))
    url = reverse("evidence:file_preview", args=[evidence_file.pk])

    for user in (people.learner, people.assessor, people.iqa, people.admin, people.eqa):
        response = people.client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline;")
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")
    for user in (people.other_learner, people.outsider_learner, people.outsider_admin):
        assert people.client_for(user).get(url).status_code == 404, user
    anonymous = people.client_for(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert people.client_for(people.learner).post(url).status_code == 405


def test_no_preview_is_served_of_a_file_without_one(people) -> None:
    image = add_file(make_item(people.enrolment))
    pending = add_file(
        make_item(people.enrolment), "report.pdf", one_page_pdf("Queued")
    )  # not run yet
    client = people.client_for(people.learner)

    assert client.get(reverse("evidence:file_preview", args=[image.pk])).status_code == 404
    assert client.get(reverse("evidence:file_preview", args=[pending.pk])).status_code == 404
    assert previews.preview_for(pending) == previews.Preview("pending")
    page = client.get(reverse("evidence:detail", args=[pending.item_id])).content.decode()
    assert "A preview of the first page is being made" in page


def test_review_page_shows_the_preview_with_alt_text(people, run_tasks) -> None:
    item = make_item(people.enrolment)
    evidence_file = run_tasks(item, "supervision.pdf", one_page_pdf("Review"))
    add_file(item)
    services.evidence_submit(
        item=item, learner=people.learner, declaration_name=people.learner.full_name
    )
    page = (
        people.client_for(people.assessor)
        .get(reverse("review:review", args=[item.pk]))
        .content.decode()
    )

    src = reverse("evidence:file_preview", args=[evidence_file.pk])
    assert f'<img src="{src}" alt="First page of supervision.pdf"' in page
    assert "Preview of the first page" in page
    assert reverse("evidence:file_download", args=[evidence_file.pk]) in page
    # A PDF is downloaded, not opened inline (the inline view serves only media).
    assert reverse("evidence:file_inline", args=[evidence_file.pk]) not in page


def test_learner_evidence_page_shows_the_preview(people, run_tasks) -> None:
    evidence_file = run_tasks(make_item(people.enrolment), "report.pdf", one_page_pdf("Mine"))
    page = (
        people.client_for(people.learner)
        .get(reverse("evidence:detail", args=[evidence_file.item_id]))
        .content.decode()
    )
    assert 'alt="First page of report.pdf"' in page


def test_a_damaged_pdf_gets_a_reason_in_words(people, run_tasks) -> None:
    evidence_file = run_tasks(make_item(people.enrolment), "broken.pdf", damaged_pdf())

    assert previews.preview_for(evidence_file) == previews.Preview(
        "none", previews.REASONS["damaged"]
    )
    page = (
        people.client_for(people.learner)
        .get(reverse("evidence:detail", args=[evidence_file.item_id]))
        .content.decode()
    )
    assert "No preview:</strong> The document could not be read to make a preview" in page
    assert reverse("evidence:file_download", args=[evidence_file.pk]) in page
    url = reverse("evidence:file_preview", args=[evidence_file.pk])
    assert people.client_for(people.learner).get(url).status_code == 404


def test_a_pdf_without_pages_says_so(people, run_tasks) -> None:
    evidence_file = run_tasks(make_item(people.enrolment), "empty.pdf", pdf_bytes())
    assert previews.preview_for(evidence_file).reason == previews.REASONS["no_pages"]


def test_an_encrypted_pdf_is_refused_a_preview_in_words(tmp_path) -> None:
    source = tmp_path / "document.pdf"
    source.write_bytes(encrypted_pdf())
    with pytest.raises(previews.NoPreview) as refused:
        previews.render_pdf(source, tmp_path)
    assert refused.value.code == "encrypted"
    assert "protected by a password" in str(refused.value)


def test_a_word_document_is_rendered_through_libreoffice(people, run_tasks, renders) -> None:
    evidence_file = run_tasks(
        make_item(people.enrolment), "notes.docx", word_docx("Supervision notes, 23 November")
    )

    assert renders == ["office", "pdf"]
    assert previews.preview_for(evidence_file) == previews.Preview("ready")
    image = _png(evidence_file)
    assert max(image.size) == previews.PREVIEW_PIXELS
    assert image.convert("L").getextrema()[0] < 128


def test_a_slow_renderer_is_stopped_at_its_timeout(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(previews, "PDF_TIMEOUT_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(previews.NoPreview) as refused:
        previews.run_bounded(["sh", "-c", "sleep 30 & sleep 30"], timeout=1, cwd=tmp_path)
    assert refused.value.code == "timeout"
    assert time.monotonic() - started < 5  # the whole process group was killed


def test_a_timed_out_render_leaves_a_reason(people, run_tasks, monkeypatch) -> None:
    def slow(source: Path, work: Path) -> bytes:
        return previews.run_bounded(["sleep", "30"], timeout=1, cwd=work).stdout

    monkeypatch.setattr(previews, "render_pdf", slow)
    evidence_file = run_tasks(make_item(people.enrolment), "slow.pdf", one_page_pdf("Slow"))
    assert previews.preview_for(evidence_file).reason == previews.REASONS["timeout"]


def test_renderers_run_with_memory_and_cpu_limits(tmp_path) -> None:
    result = previews.run_bounded(
        ["sh", "-c", "ulimit -v; ulimit -t"], timeout=5, cwd=tmp_path, memory=256 * 1024 * 1024
    )
    assert result.stdout.decode().split() == [str(256 * 1024), "5"]


def test_no_preview_while_the_malware_check_runs_or_of_a_quarantined_file(
    people, run_tasks, settings, renders
) -> None:
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"
    item = make_item(people.enrolment)
    evidence_file = add_file(item, "report.pdf", one_page_pdf("Pending"))  # scan not run
    assert evidence_file.awaits_scan
    assert previews.preview_for(evidence_file) == previews.Preview("waiting_scan")
    assert not previews.evidence_preview_request(evidence_file=evidence_file)

    evidence_file.scan_status = EvidenceFile.ScanStatus.INFECTED
    evidence_file.save()
    assert previews.preview_for(evidence_file) is None
    assert not previews.evidence_preview_request(evidence_file=evidence_file)
    assert renders == []


def test_the_preview_is_made_once_the_scan_finds_the_file_clean(
    people, run_tasks, settings
) -> None:
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"
    evidence_file = run_tasks(make_item(people.enrolment), "report.pdf", one_page_pdf("Clean"))
    evidence_file.refresh_from_db()
    assert evidence_file.scan_status == EvidenceFile.ScanStatus.CLEAN
    assert previews.preview_for(evidence_file) == previews.Preview("ready")


def test_files_with_active_content_get_no_preview(people, settings, renders) -> None:
    evidence_file = add_file(make_item(people.enrolment), "report.pdf", one_page_pdf("Macro"))
    evidence_file.active_content = "JavaScript"
    assert not previews.evidence_preview_request(evidence_file=evidence_file)
    assert "contains JavaScript" in previews.preview_for(evidence_file).reason
    assert renders == []


def test_previews_can_be_turned_off(people, run_tasks, settings, renders) -> None:
    settings.EVIDENCE_PREVIEWS = False
    evidence_file = run_tasks(make_item(people.enrolment), "report.pdf", one_page_pdf("Off"))
    assert renders == []
    assert previews.preview_for(evidence_file) is None
    url = reverse("evidence:file_preview", args=[evidence_file.pk])
    assert people.client_for(people.learner).get(url).status_code == 404


def test_make_previews_queues_the_missing_ones(people, renders) -> None:
    add_file(make_item(people.enrolment))  # an image: no preview
    add_file(make_item(people.enrolment), "a.pdf", one_page_pdf("Backfill"))
    add_file(make_item(people.enrolment), "b.pdf", one_page_pdf("Backfill"))  # same bytes
    out = io.StringIO()
    call_command("make_previews", stdout=out)
    assert renders == ["pdf"]
    assert "Queued 1 preview(s)." in out.getvalue()


def test_erasing_a_learner_removes_their_previews(
    people, run_tasks, django_capture_on_commit_callbacks
) -> None:
    evidence_file = run_tasks(make_item(people.enrolment), "report.pdf", one_page_pdf("Erase"))
    png = previews.png_name(evidence_file.sha256)
    assert private_storage().exists(png)
    Enrolment.objects.filter(pk=people.enrolment.pk).update(
        status=Enrolment.Status.WITHDRAWN,
        ended_on=timezone.localdate() - datetime.timedelta(days=365 * 4 + 2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("privacy:erase", args=[people.learner.pk])
        people.client_for(people.admin).post(url, {"confirm": "on"})
    assert not EvidenceFile.objects.filter(pk=evidence_file.pk).exists()
    assert not private_storage().exists(png)


def test_purge_derived_removes_previews_whose_files_are_gone(
    people, run_tasks, django_capture_on_commit_callbacks
) -> None:
    kept = run_tasks(make_item(people.enrolment), "kept.pdf", one_page_pdf("Kept"))
    gone = run_tasks(make_item(people.enrolment), "gone.pdf", damaged_pdf("Gone"))
    marker = previews.marker_name(gone.sha256)
    assert private_storage().exists(marker)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_file_delete(evidence_file=gone)

    report = derived_purge(grace=datetime.timedelta(0))
    assert marker in report.cached_images
    assert not private_storage().exists(marker)
    assert private_storage().exists(previews.png_name(kept.sha256))
