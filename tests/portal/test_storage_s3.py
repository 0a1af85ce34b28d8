"""Evidence and exports in an S3-compatible store (moto in server mode, a real HTTP server):
downloads are 302s to short-lived signed URLs issued only after the access check; inline
media, previews and the portfolio renderer read from the store."""

from __future__ import annotations

import urllib.request
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from evidence import previews, storage
from evidence.models import EvidenceFile
from portal.portfolio.fetcher import PRIVATE_PREFIX, PortfolioURLFetcher
from portal.portfolio.models import PortfolioExport
from tests.evidence.helpers import add_file, make_item, one_page_pdf, png_bytes

pytestmark = pytest.mark.s3


def _fetch(url: str) -> tuple[int, Message, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - the local S3 server
        return answer.status, answer.headers, answer.read()


def test_upload_lands_in_the_bucket_and_downloads_by_signed_url(people, s3_storage) -> None:
    content = one_page_pdf("Stored in S3")
    row = add_file(make_item(people.enrolment), "Ünïcode report.pdf", content)
    key = storage.object_key(row.file.name)
    head = s3_storage.connection.meta.client.head_object(Bucket=s3_storage.bucket_name, Key=key)
    assert head["ContentLength"] == len(content)

    response = people.client_for(people.learner).get(
        reverse("evidence:file_download", args=[row.pk])
    )
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:5055/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    assert query["response-content-type"] == ["application/pdf"]

    status, headers, body = _fetch(location)
    assert status == 200
    assert body == content
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        'attachment; filename="Unicode report.pdf"; '
        "filename*=UTF-8''%C3%9Cn%C3%AFcode%20report.pdf"
    )


def test_expiry_comes_from_the_setting(people, s3_storage, settings) -> None:
    settings.S3_SIGNED_URL_SECONDS = 15
    row = add_file(make_item(people.enrolment), "report.pdf", one_page_pdf())
    response = people.client_for(people.assessor).get(
        reverse("evidence:file_download", args=[row.pk])
    )
    assert parse_qs(urlsplit(response["Location"]).query)["X-Amz-Expires"] == ["15"]


def test_no_signed_url_without_access(people, s3_storage) -> None:
    row = add_file(make_item(people.outsider_enrolment), "report.pdf", one_page_pdf())
    for user in (people.learner, people.other_learner, people.admin, people.eqa):
        response = people.client_for(user).get(reverse("evidence:file_download", args=[row.pk]))
        assert response.status_code == 404
        assert "Location" not in response
    anonymous = people.client_for(None).get(reverse("evidence:file_download", args=[row.pk]))
    assert anonymous.status_code == 302
    assert "X-Amz-Signature" not in anonymous["Location"]


def test_inline_media_streams_through_the_view_with_ranges(people, s3_storage) -> None:
    content = png_bytes((120, 90))
    row = add_file(make_item(people.enrolment), "photo.png", content)
    client = people.client_for(people.learner)
    url = reverse("evidence:file_inline", args=[row.pk])
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "image/png"
    assert whole["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(whole.streaming_content) == content
    part = client.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == content[10:20]
    thumb = client.get(reverse("evidence:file_thumbnail", args=[row.pk]))
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"


def test_preview_is_rendered_from_and_kept_in_the_store(people, s3_storage, settings) -> None:
    settings.EVIDENCE_PREVIEWS = True
    row = add_file(make_item(people.enrolment), "plan.pdf", one_page_pdf())
    previews.evidence_preview_make(file_id=row.pk)
    assert s3_storage.exists(previews.png_name(row.sha256))
    assert previews.preview_for(EvidenceFile.objects.get(pk=row.pk)).state == "ready"
    response = people.client_for(people.assessor).get(
        reverse("evidence:file_preview", args=[row.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_pdf_fetcher_reads_the_store(people, s3_storage) -> None:
    row = add_file(make_item(people.enrolment), "photo.png", png_bytes())
    fetched = PortfolioURLFetcher([row.file.name]).fetch(PRIVATE_PREFIX + row.file.name)
    assert fetched.read() == png_bytes()


def test_portfolio_export_downloads_by_signed_url(people, s3_storage) -> None:
    add_file(make_item(people.enrolment), "photo.png", png_bytes())
    client = people.client_for(people.admin)
    client.post(reverse("portfolio:export_learner", args=[people.learner.pk]))
    export = PortfolioExport.objects.get()
    assert export.status == PortfolioExport.Status.DONE
    assert s3_storage.exists(export.result.name)
    response = client.get(reverse("portfolio:export_download", args=[export.pk]))
    assert response.status_code == 302
    status, headers, body = _fetch(response["Location"])
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert body.startswith(b"%PDF")
