"""What the PDF says, that it is PDF/A with attachments, and that rendering stays cheap."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from assessments.models import RecordEntry
from portal.portfolio.fetcher import PortfolioURLFetcher, RefusedURL
from portal.portfolio.render import MANIFEST_NAME, render_portfolio
from tests.portfolio.builders import add_evidence


def _render(people, **kwargs):
    return render_portfolio(
        people.learner,
        people.centre,
        requested_by=kwargs.pop("requested_by", None),
        code="PF-TEST-CODE-0001",
        export_code="PF-EXPO-RTCO-DE01",
        **kwargs,
    )


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_pdf_content(people, portfolio) -> None:
    rendered = _render(people)
    text = _text(rendered.pdf)
    assert "Alice Learner" in text
    assert "Alpha Centre" in text
    assert "PF-TEST-CODE-0001" in text
    assert "SCDCPC509" in text and "TEST001" in text
    assert "Contents" in text and "Record of decisions" in text
    assert "text not available in the source document" in text
    assert re.search(r"P16 text not available in the source document", text)
    assert "E1" in text and "E3" in text
    assert "account-1.pdf" in text and "photo-1.png" in text
    assert "Bob Assessor" in text and "Carol IQA" in text
    assert "I confirm the evidence is valid, authentic and sufficient." in text
    assert "Learner countersignature" in text
    assert "Agreed (countersigned) by Carol IQA" in text
    assert "declared by Alice Learner" in text
    assert "Good account 1." in text  # assessor feedback
    assert f"Page 1 of {rendered.pages}" in text
    first_hash = RecordEntry.objects.filter(enrolment=portfolio).first().entry_hash
    assert first_hash[:16] in text.replace(" ", "")


def test_unknown_code_is_labelled(people, standards) -> None:
    people.enrolment.standard.code = ""
    people.enrolment.standard.save()
    assert "code not stated in the source document" in _text(_render(people).pdf)


def test_pdf_is_pdfa_with_attachments_and_bookmarks(people, portfolio) -> None:
    rendered = _render(people)
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "A"
        names = set(pdf.attachments)
        assert MANIFEST_NAME in names
        assert any(name.endswith("account-1.pdf") for name in names)
        assert any(name.endswith("photo-1.png") for name in names)
        assert "/StructTreeRoot" in pdf.Root  # tagged
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert any("SCDCPC509" in title for title in titles)
        assert "Record of decisions" in titles
    assert str(PdfReader(io.BytesIO(rendered.pdf)).metadata["/Keywords"]).endswith(
        "PF-TEST-CODE-0001"
    )


def test_large_files_are_listed_not_embedded(people, portfolio, settings) -> None:
    settings.PORTFOLIO_EMBED_MAX_BYTES = 10
    rendered = _render(people)
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        assert set(pdf.attachments) == {MANIFEST_NAME}
    assert {row.file.original_name for row in rendered.large_files} >= {"account-1.pdf"}
    text = _text(rendered.pdf)
    assert "too large to attach" in text
    big = rendered.large_files[0].file
    assert big.sha256[:16] in text.replace(" ", "")


def test_images_are_downscaled_once(people, portfolio) -> None:
    from django.core.files.storage import storages

    _render(people)
    photo = portfolio.evidence_items.get(reference="E1").files.get(kind="image")
    name = f"portfolio-cache/{photo.sha256}.jpg"
    storage = storages["private"]
    assert storage.exists(name)
    from PIL import Image

    with storage.open(name) as handle, Image.open(handle) as image:
        assert max(image.size) <= 1200
    modified = storage.get_modified_time(name)
    _render(people)
    assert storage.get_modified_time(name) == modified


def test_requester_sees_only_their_enrolments(people, portfolio) -> None:
    text = _text(_render(people, requested_by=people.learner).pdf)
    assert "SCDCPC509" in text


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/x.css",
        "file:///etc/passwd",
        "data:text/plain,hello",
        "portfolio-private:evidence/not-on-the-list.png",
        "portfolio-static:../../settings.py",
        "portfolio-static:/etc/passwd",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    with pytest.raises(RefusedURL):
        PortfolioURLFetcher(private_names={"allowed.png"}).fetch(url)


def test_fetcher_serves_static_files() -> None:
    response = PortfolioURLFetcher().fetch("portfolio-static:portal/portal.css")
    assert response.read()


def test_render_ignores_remote_resources(people, standards, monkeypatch) -> None:
    """An <img> to the network inside the HTML is refused, not fetched."""
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    from portal.portfolio.render import write_pdf

    pdf, pages = write_pdf(
        '<p>x</p><img src="http://example.org/a.png" alt=""><img src="file:///etc/passwd" alt="">',
        private_names=set(),
        attachments=[],
    )
    assert pages == 1 and pdf.startswith(b"%PDF")


def _count_queries(people) -> int:
    with CaptureQueriesContext(connection) as context:
        _render(people)
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_evidence(people, portfolio) -> None:
    small = _count_queries(people)
    add_evidence(portfolio, items=25, images=3, start=4)
    larger = _count_queries(people)
    assert larger == small, (small, larger)
    assert small <= 20
