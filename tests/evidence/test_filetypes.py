"""Content detection: what is allowed, what is refused and what the message says."""

from __future__ import annotations

import io

import pytest

from evidence.filetypes import Refused, clean_filename, detect
from tests.evidence.helpers import bomb_png, docx_bytes, jpeg_bytes, odt_bytes, pdf_bytes, png_bytes


def _detect(content: bytes):
    return detect(io.BytesIO(content), size=len(content))


@pytest.mark.parametrize(
    ("content", "media_type", "kind"),
    [
        (pdf_bytes(), "application/pdf", "document"),
        (
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document",
        ),
        (odt_bytes(), "application/vnd.oasis.opendocument.text", "document"),
        ("Plain notes, café ☕\n".encode(), "text/plain", "document"),
        (png_bytes(), "image/png", "image"),
        (jpeg_bytes(), "image/jpeg", "image"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 300, "audio/mpeg", "audio"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 300, "audio/x-wav", "audio"),
        (
            b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08moov"
            + b"\x00\x00\x01\x34mdat"
            + b"\x00" * 300,
            "video/mp4",
            "video",
        ),
        (
            b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 300,
            "video/webm",
            "video",
        ),
    ],
)
def test_allowed_types_are_recognised_by_content(content, media_type, kind) -> None:
    detected = _detect(content)
    assert (detected.media_type, detected.kind) == (media_type, kind)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 300, "an executable (application/x-msdownload)"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 300, "an executable (application/x-executable)"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "a web page (HTML) (text/html)"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
            b"</script></svg>",
            "an SVG image (image/svg+xml)",
        ),
        (b"hello <script>alert(1)</script>", "a script (text/javascript)"),
        (b"#!/bin/sh\nrm -rf /\n", "a script (application/x-sh)"),
        (b"GIF89a" + b"\x00" * 300, "a GIF image (image/gif)"),
        (b"text with a \x00 NUL", "(application/octet-stream)"),
        (b"\xff\xfe\xfa not utf-8", "not valid UTF-8"),
    ],
)
def test_other_types_are_refused_naming_what_was_found(content, named) -> None:
    with pytest.raises(Refused) as refused:
        _detect(content)
    assert named in str(refused.value)
    assert "allowed are documents (PDF" in str(refused.value)


def test_a_plain_zip_is_not_a_document() -> None:
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(Refused, match=r"a ZIP archive \(application/zip\)"):
        _detect(out.getvalue())


def test_empty_file_is_refused() -> None:
    with pytest.raises(Refused, match="empty"):
        detect(io.BytesIO(b""), size=0)


def test_decompression_bomb_is_refused() -> None:
    with pytest.raises(Refused, match="too large to open safely"):
        _detect(bomb_png())


def test_truncated_image_is_refused() -> None:
    with pytest.raises(Refused, match="could not be decoded"):
        _detect(jpeg_bytes((400, 300))[:200])


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("tab\tand\nnewline.txt", "tab and newline.txt"),
        ("cafe\u0301.png", "café.png"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_clean_filename(given, shown) -> None:
    assert clean_filename(given) == shown
