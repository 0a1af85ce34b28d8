"""Hostile PDFs through /portfolio/verify/ and ``manage.py verify_portfolio``: a verdict or a
form error with a message, never a 5xx or a traceback."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.security import corpus

URL = reverse("portfolio:verify")

CASES = [
    ("not-a-pdf", lambda: b"hello, world", "the file is not a readable PDF"),
    ("truncated-pdf", lambda: corpus.portfolio_pdf(b"{}")[:300], "Not verified"),
    ("html-as-pdf", corpus.pdf_html_polyglot, "Not verified"),
    ("zip-bomb-as-pdf", lambda: corpus.zip_bomb_docx(64), "Not verified"),
    ("manifest-bomb", lambda: corpus.manifest_bomb_pdf(800), "is unknown to this portal"),
    ("manifest-is-a-list", lambda: corpus.portfolio_pdf(b"[1, 2, 3]"), "unknown to this portal"),
    ("manifest-nested", lambda: corpus.portfolio_pdf(corpus.nested_json(50_000)), "unknown"),
    ("manifest-not-utf8", lambda: corpus.portfolio_pdf(b'{"a": "\xff"}'), "unknown"),
    ("manifest-code-object", lambda: corpus.portfolio_pdf(b'{"verification_code": {}}'), "unknown"),
    ("no-code-at-all", lambda: corpus.portfolio_pdf(None, code=""), "carries no verification code"),
]


@pytest.mark.parametrize(("build", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_pdf_gets_a_verdict_not_a_5xx(people, build, message) -> None:
    file = SimpleUploadedFile("portfolio.pdf", build(), content_type="application/pdf")
    response = people.client_for(people.learner).post(URL, {"check": "pdf", "pdf": file})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in CASES[::2]], ids=[c[0] for c in CASES[::2]]
)
def test_hostile_pdf_is_a_command_error_not_a_traceback(db, tmp_path, capsys, build, message):
    path = tmp_path / "portfolio.pdf"
    path.write_bytes(build())
    with pytest.raises(CommandError, match="does not match"):
        call_command("verify_portfolio", str(path))
    assert message in capsys.readouterr().out


def test_an_upload_over_the_verify_limit_is_a_400_with_its_message(people, settings) -> None:
    settings.PORTFOLIO_VERIFY_MAX_BYTES = 10_000
    file = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b" " * 20_000)
    response = people.client_for(people.learner).post(URL, {"check": "pdf", "pdf": file})
    assert response.status_code == 400
    assert "larger than 9.8\xa0KB, the most this page checks" in response.content.decode()


def test_the_default_verify_limit_is_a_few_hundred_megabytes_not_two_gigabytes() -> None:
    from django.conf import settings

    assert settings.PORTFOLIO_VERIFY_MAX_BYTES == 256 * 1024 * 1024
