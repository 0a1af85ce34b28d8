"""The portable package from the web: a PACKAGE export of one learner, made by the export
flow's task around the one PDF it renders, downloaded as a signed ZIP another centre imports."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from portal.portfolio import services
from portal.portfolio.models import PortfolioExport
from portal.transfer import services as transfer_services
from portal.transfer import signing
from portal.transfer.verify import package_check
from tests.portfolio.builders import add_file, add_item

Status = PortfolioExport.Status


@pytest.fixture(autouse=True)
def transfer_key(settings, tmp_path) -> str:
    """A signing key of this test's own, generated on first use."""
    settings.TRANSFER_SIGNING_KEY_FILE = str(tmp_path / "dev-transfer-signing-key.pem")
    settings.TRANSFER_TRUSTED_KEY_IDS = []
    return settings.TRANSFER_SIGNING_KEY_FILE


def _ask(client, learner, kind: str | None = "package"):
    data = {} if kind is None else {"kind": kind}
    return client.post(reverse("portfolio:export_learner", args=[learner.pk]), data)


def _count_readings(monkeypatch) -> list[int]:
    """Count every ``portfolio_data`` reading and every rendering, wherever they are made."""
    calls = {"readings": 0, "renders": 0}
    real_read, real_render = services.portfolio_data, services.render_portfolio

    def reading(*args, **kwargs):
        calls["readings"] += 1
        return real_read(*args, **kwargs)

    def rendering(*args, **kwargs):
        calls["renders"] += 1
        return real_render(*args, **kwargs)

    monkeypatch.setattr(services, "portfolio_data", reading)
    monkeypatch.setattr("portal.portfolio.render.portfolio_data", reading)
    monkeypatch.setattr(services, "render_portfolio", rendering)
    return calls


def test_learner_downloads_their_verified_package(people, portfolio, monkeypatch) -> None:
    calls = _count_readings(monkeypatch)
    client = people.client_for(people.learner)
    response = _ask(client, people.learner)
    export = PortfolioExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:export_detail", args=[export.pk])
    assert export.scope == PortfolioExport.Scope.PACKAGE
    assert export.scope_label == "Portable package of Alice Learner"
    assert export.status == Status.DONE, export.error
    today = timezone.localdate(export.finished_at)
    assert export.result_name == f"portfolio-package-alice-{today:%Y-%m-%d}.zip"
    assert export.expires_at > timezone.now() + datetime.timedelta(hours=71)
    document = export.documents.get()
    assert document.verification_code == export.verification_code
    assert calls == {"readings": 1, "renders": 1}  # one reading for the PDF and the manifest

    page = client.get(response["Location"]).content.decode()
    key_id = signing.public_key_document()["key_id"]
    assert "portable package for moving centre" in page
    assert "http://testserver/transfer/key/" in page and key_id in page
    assert f"Download {export.result_name}" in page

    download = client.get(reverse("portfolio:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert export.result_name in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert len(data) == export.size and hashlib.sha256(data).hexdigest() == export.sha256

    checked = package_check(io.BytesIO(data), size=len(data))
    assert checked.trusted and checked.key_id == key_id
    assert checked.manifest["learner"]["username"] == "alice"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pdf = archive.read("portfolio.pdf")
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    listed = checked.manifest["pdf"]
    assert (listed["sha256"], listed["size"]) == (document.sha256, document.size)
    assert listed["verification_code"] == export.verification_code
    assert checked.manifest["exported_at"] == document.manifest["exported_at"]


def test_without_a_kind_the_export_is_the_pdf(people, portfolio) -> None:
    _ask(people.client_for(people.learner), people.learner, kind=None)
    export = PortfolioExport.objects.get()
    assert export.scope == PortfolioExport.Scope.LEARNER and export.result_name.endswith(".pdf")
    _ask(people.client_for(people.learner), people.learner, kind="pdf")
    assert PortfolioExport.objects.filter(scope=PortfolioExport.Scope.LEARNER).count() == 2


def test_an_unknown_kind_is_a_400_with_the_reason(people, portfolio) -> None:
    response = _ask(people.client_for(people.learner), people.learner, kind="zip")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"ask for pdf" in response.content and b"or package" in response.content
    assert not PortfolioExport.objects.exists()


def test_admin_makes_a_package_for_a_leaving_learner(people, portfolio) -> None:
    client = people.client_for(people.admin)
    page = client.get(reverse("centres:person_detail", args=[people.learner.pk])).content
    assert b'name="kind" value="package"' in page
    assert b"Portable package (to move centre)" in page
    assert b"another centre imports it" in page and b"every evidence file" in page
    assert _ask(client, people.learner).status_code == 302
    export = PortfolioExport.objects.get()
    assert export.requested_by == people.admin and export.status == Status.DONE


def test_the_export_list_offers_both_kinds(people) -> None:
    page = people.client_for(people.learner).get(reverse("portfolio:exports")).content
    action = reverse("portfolio:export_learner", args=[people.learner.pk]).encode()
    assert page.count(action) == 2
    assert b'value="pdf"' in page and b'value="package"' in page
    assert b"another centre imports it" in page


def test_who_may_ask_for_a_package(people, portfolio) -> None:
    for reader in (people.iqa, people.eqa):  # they read Alice's work; they export nothing
        assert _ask(people.client_for(reader), people.learner).status_code == 403
        assert _ask(people.client_for(reader), people.learner, kind="zip").status_code == 403
    assert _ask(people.client_for(people.outsider_admin), people.learner).status_code == 404
    assert _ask(people.client_for(people.learner), people.outsider_learner).status_code == 404
    assert _ask(people.client_for(people.learner), people.other_learner).status_code == 404
    assert not PortfolioExport.objects.exists()


def test_a_failed_package_is_retried_from_one_fresh_reading(
    people, portfolio, settings, transfer_key, monkeypatch
) -> None:
    # The PDF of the failed attempt was never handed out; pairing it with a second reading
    # could disagree, so the retry renders the PDF again, under the same code.
    # The key goes missing between the request (checked) and the worker's signing.
    settings.TRANSFER_SIGNING_KEY_FILE = ""
    monkeypatch.setattr("portal.transfer.signing.is_configured", lambda: True)
    client = people.client_for(people.learner)
    _ask(client, people.learner)
    export = PortfolioExport.objects.get()
    assert export.status == Status.FAILED and not export.result
    assert export.error.startswith("Assembling the download: TRANSFER_SIGNING_KEY_FILE")
    page = client.get(reverse("portfolio:export_detail", args=[export.pk]))
    assert b"Try again" in page.content and b"key id" not in page.content
    document = export.documents.get()
    first_pdf = document.file.name

    settings.TRANSFER_SIGNING_KEY_FILE = transfer_key
    calls = _count_readings(monkeypatch)
    response = client.post(reverse("portfolio:export_retry", args=[export.pk]))
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.status == Status.DONE and export.attempts == 2 and not export.error
    assert calls == {"readings": 1, "renders": 1}
    document = export.documents.get()  # the same row and code, the new PDF
    assert document.verification_code == export.verification_code
    storage = storages["private"]
    assert storage.exists(document.file.name)
    assert document.file.name == first_pdf or not storage.exists(first_pdf)
    with export.result.open("rb") as handle:
        data = handle.read()
    manifest = package_check(io.BytesIO(data), size=len(data)).manifest
    assert manifest["pdf"]["sha256"] == document.sha256
    assert manifest["record_head"]["entry_hash"] == document.record_head_hash


def test_evidence_added_while_the_pdf_renders_is_in_neither(people, portfolio, monkeypatch) -> None:
    """The PDF and the manifest come from one reading: a file uploaded after it is in
    neither the PDF's embedded manifest nor the package's, and the next package has both."""
    real_render = services.render_portfolio
    late: list[str] = []

    def render_then_upload(*args, **kwargs):
        rendered = real_render(*args, **kwargs)
        if not late:
            item = add_item(portfolio, 90, title="Uploaded meanwhile")
            late.append(add_file(item, "late.pdf", b"%PDF-1.4 late evidence").sha256)
        return rendered

    monkeypatch.setattr(services, "render_portfolio", render_then_upload)
    client = people.client_for(people.learner)

    def listed(export: PortfolioExport) -> tuple[set[str], set[str]]:
        with export.result.open("rb") as handle:
            data = handle.read()
        manifest = package_check(io.BytesIO(data), size=len(data)).manifest
        in_manifest = {f["sha256"] for item in manifest["evidence"] for f in item["files"]}
        in_pdf = {f["sha256"] for f in export.documents.get().manifest["files"]}
        return in_manifest, in_pdf

    _ask(client, people.learner)
    first = PortfolioExport.objects.get()
    in_manifest, in_pdf = listed(first)
    assert in_manifest and in_manifest == in_pdf
    assert late[0] not in in_manifest
    _ask(client, people.learner)
    in_manifest, in_pdf = listed(PortfolioExport.objects.exclude(pk=first.pk).get())
    assert late[0] in in_manifest and in_manifest == in_pdf


def test_the_pdf_is_streamed_into_the_package_in_chunks(people, portfolio, monkeypatch) -> None:
    monkeypatch.setattr(transfer_services, "CHUNK", 4096)
    reads: list[int] = []
    real_write = transfer_services.package_write

    class Counted:
        """The stored PDF, read only through ``read(size)``, every read counted."""

        def __init__(self, stored) -> None:
            self.stored = stored

        def open(self, mode: str = "rb") -> Counted:
            self.handle = self.stored.open(mode)
            return self

        def read(self, size: int = -1) -> bytes:
            assert 0 < size <= 4096, "the PDF must be read in chunks"
            chunk = self.handle.read(size)
            reads.append(len(chunk))
            return chunk

        def __enter__(self) -> Counted:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    def spying_write(*, pdf, **kwargs):
        return real_write(pdf=dataclasses.replace(pdf, file=Counted(pdf.file)), **kwargs)

    monkeypatch.setattr(transfer_services, "package_write", spying_write)
    _ask(people.client_for(people.learner), people.learner)
    export = PortfolioExport.objects.get()
    assert export.status == Status.DONE, export.error
    document = export.documents.get()
    assert len(reads) > 2 and sum(reads) == document.size
    with export.result.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert hashlib.sha256(archive.read("portfolio.pdf")).hexdigest() == document.sha256


def test_a_pdf_changed_in_storage_refuses_the_package(people, portfolio, monkeypatch) -> None:
    real_write = transfer_services.package_write

    def tamper_then_write(*, pdf, **kwargs):
        storage = storages["private"]
        storage.delete(pdf.file.name)
        storage.save(pdf.file.name, ContentFile(b"%PDF-1.7 not what was rendered"))
        return real_write(pdf=pdf, **kwargs)

    monkeypatch.setattr(transfer_services, "package_write", tamper_then_write)
    _ask(people.client_for(people.learner), people.learner)
    export = PortfolioExport.objects.get()
    assert export.status == Status.FAILED and not export.result and not export.sha256
    assert "The portfolio PDF no longer matches its SHA-256" in export.error
    assert export.size is None  # nothing stored: the half-written ZIP was a temporary file


def test_prune_deletes_the_package_and_its_pdf(people, portfolio) -> None:
    _ask(people.client_for(people.learner), people.learner)
    export = PortfolioExport.objects.get()
    names = [export.result.name, export.documents.get().file.name]
    assert all(storages["private"].exists(name) for name in names)
    later = export.expires_at + datetime.timedelta(seconds=1)
    assert services.exports_prune(now=later) == 1
    export.refresh_from_db()
    assert export.status == Status.EXPIRED and not export.result
    assert not any(storages["private"].exists(name) for name in names)
    download = people.client_for(people.learner).get(
        reverse("portfolio:export_download", args=[export.pk])
    )
    assert download.status_code == 404


def test_without_a_signing_key_no_package_is_offered_or_made(people, portfolio, settings) -> None:
    settings.TRANSFER_SIGNING_KEY_FILE = ""
    learner_page = people.client_for(people.learner).get(reverse("portfolio:exports")).content
    assert b'value="package"' not in learner_page and b'value="pdf"' in learner_page
    admin = people.client_for(people.admin)
    person = admin.get(reverse("centres:person_detail", args=[people.learner.pk])).content
    assert b'value="package"' not in person and b'value="pdf"' in person
    response = _ask(people.client_for(people.learner), people.learner)
    assert response.status_code == 400 and b"TRANSFER_SIGNING_KEY_FILE" in response.content
    assert not PortfolioExport.objects.exists()


def test_an_eqa_is_not_offered_a_retry(people, portfolio, settings, monkeypatch) -> None:
    settings.TRANSFER_SIGNING_KEY_FILE = ""
    monkeypatch.setattr("portal.transfer.signing.is_configured", lambda: True)
    _ask(people.client_for(people.learner), people.learner)
    export = PortfolioExport.objects.get()
    assert export.status == Status.FAILED
    page = people.client_for(people.eqa).get(reverse("portfolio:export_detail", args=[export.pk]))
    assert page.status_code == 200
    assert b"Try again" not in page.content and b"The centre can try it again" in page.content
