"""Hostile files through the real upload view: each is refused with a message that names
what was found, answers 4xx, and leaves no row and no stored file behind."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from evidence.models import EvidenceFile
from tests.evidence.helpers import bomb_png, jpeg_bytes, pdf_bytes, png_bytes, upload
from tests.security import corpus

XHR = {"X-Requested-With": "XMLHttpRequest"}


def _stored() -> set[str]:
    storage = storages["private"]
    if not storage.exists("evidence"):
        return set()
    dirs, files = storage.listdir("evidence")
    thumbs = storage.listdir("evidence/thumbnails")[1] if "thumbnails" in dirs else []
    return set(files) | {f"thumbnails/{name}" for name in thumbs}


def _post(client, item, name, content):
    return client.post(
        reverse("evidence:file_upload", args=[item.pk]),
        {"file": upload(name, content)},
        headers=XHR,
    )


def _macro_types_only() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main'
            '+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


REFUSED = [
    ("zip-bomb.docx", corpus.zip_bomb_docx, "a possible zip bomb"),
    ("lying-sizes.docx", corpus.zip_lying_sizes_docx, "damaged"),
    ("many-parts.docx", corpus.zip_many_members_docx, "12,001 parts; at most 10,000"),
    ("macros.docx", corpus.docm_bytes, "contains Office macros (VBA)"),
    ("macro-enabled.docm", _macro_types_only, "a macro-enabled Office document"),
    ("ole.docx", corpus.docx_with_ole_object, "contains an embedded OLE object"),
    ("exe-inside.docx", corpus.docx_with_exe, "contains an embedded program (setup.exe)"),
    ("macros.odt", corpus.odt_with_macros, "contains OpenDocument macros or scripts"),
    ("open-action.pdf", corpus.pdf_open_action_js, "contains JavaScript"),
    ("names-tree.pdf", corpus.pdf_names_js, "contains JavaScript"),
    ("launch.pdf", corpus.pdf_launch, "an action that launches a program"),
    ("hex-escaped.pdf", corpus.pdf_hex_escaped_js, "contains JavaScript"),
    ("objstm-bomb.pdf", corpus.pdf_objstm_bomb, "a possible decompression bomb"),
    ("locked.pdf", corpus.pdf_encrypted, "protected by a password"),
    ("png-zip.png", corpus.png_zip_polyglot, "also a ZIP archive"),
    ("gif-html.gif", corpus.html_gif_polyglot, "a GIF image (image/gif)"),
    ("html-pdf.pdf", corpus.pdf_html_polyglot, "a web page (HTML) (text/html)"),
    ("zip-png.docx", corpus.zip_with_png_head, "a ZIP archive (application/zip)"),
    ("cut.jpg", lambda: corpus.truncated(corpus.noisy_jpeg()), "could not be decoded"),
    ("cut.png", lambda: corpus.truncated(png_bytes((200, 200))), "could not be decoded"),
    ("cut.mp4", corpus.mp4_truncated, "is incomplete"),
    ("huge-canvas.png", bomb_png, "too large to open safely"),
    ("setup.pdf", lambda: b"MZ\x90\x00" + b"\x00" * 300, "an executable"),
    ("tool.txt", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 300, "an executable"),
    ("run.txt", lambda: b"#!/bin/sh\nrm -rf ~\n", "a script (application/x-sh)"),
    ("pic.svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG image"),
    ("latin1.txt", lambda: "café".encode("latin-1"), "text that is not valid UTF-8"),
    ("nul.txt", lambda: b"abc\x00def", "could not be recognised"),
    ("empty.pdf", lambda: b"", "empty (0 bytes)"),
    ("legacy.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Office-style"),
    ("letter.rtf", lambda: b"{\\rtf1\\ansi hello}", "rich-text (RTF)"),
    ("macros.doc", lambda: _legacy_doc("_VBA_PROJECT"), "contains Office macros (VBA)"),
]


def _legacy_doc(*streams: str) -> bytes:
    """An OLE compound file whose directory names a Word stream (and ``streams``)."""
    names = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") for name in ("WordDocument", *streams)
    )
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + names + b"\0" * 512


@pytest.mark.parametrize(("name", "build", "message"), REFUSED, ids=[case[0] for case in REFUSED])
def test_hostile_file_is_refused_and_leaves_nothing(item, learner_client, name, build, message):
    before = _stored()
    response = _post(learner_client, item, name, build())
    assert response.status_code == 400
    errors = " ".join(response.json()["errors"])
    assert message in errors
    if build().strip(b"\0"):
        assert errors.startswith(name)  # the learner sees which file it was
    assert not EvidenceFile.objects.exists()
    assert _stored() == before


RENAMED = [
    ("run.bat", b"echo hello\r\n", "run.txt"),
    ("evil.ps1", b"Write-Host hi\n", "evil.txt"),
    ("shortcut.url", b"[InternetShortcut]\nURL=https://example.com\n", "shortcut.txt"),
    ("command.com", b"plain words\n", "command.txt"),
    ("notes", b"no extension at all\n", "notes.txt"),
    ("photo\u202egnp.exe", png_bytes(), "photognp.png"),
    ("invoice\u202efdp.exe", pdf_bytes(), "invoicefdp.pdf"),
    ("a\x00b\x07c\x1b[31m.txt", b"control characters\n", "abc[31m.txt"),
    ("\u200bzero\u200dwidth\u2066.txt", b"format characters\n", "zerowidth.txt"),
    ("..\\..\\windows\\system32\\cmd.exe", b"hello\n", "cmd.txt"),
    ("photo.JPEG", jpeg_bytes(), "photo.JPEG"),
    ("report.pdf.js", pdf_bytes(), "report.pdf.pdf"),
]


def test_a_legacy_word_file_without_macros_is_accepted(item, learner_client) -> None:
    assert _post(learner_client, item, "plain.doc", _legacy_doc()).status_code == 201
    assert EvidenceFile.objects.get().active_content == ""


@pytest.mark.parametrize(("name", "content", "stored"), RENAMED, ids=[r[2] for r in RENAMED])
def test_stored_and_downloaded_name_takes_the_detected_types_extension(
    item, learner_client, name, content, stored
):
    response = _post(learner_client, item, name, content)
    assert response.status_code == 201, response.content
    row = EvidenceFile.objects.get()
    assert row.original_name == stored
    download = learner_client.get(reverse("evidence:file_download", args=[row.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\u202e" not in disposition and "%E2%80%AE" not in disposition
    assert stored.rsplit(".", 1)[1] in disposition


def test_a_post_with_no_file_is_a_400_with_a_message(item, learner_client) -> None:
    url = reverse("evidence:file_upload", args=[item.pk])
    response = learner_client.post(url, {}, headers=XHR)
    assert response.status_code == 400
    assert response.json()["errors"] == ["Choose at least one file to upload."]
    response = learner_client.post(url, {"is_witness_statement": "on"}, follow=True)
    assert "Choose at least one file to upload." in response.content.decode()
    assert not EvidenceFile.objects.exists()


def _multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----corpus-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_thousand_character_name_gets_a_clear_message(item, learner_client) -> None:
    body, content_type = _multipart("n" * 1000 + ".txt", b"hello\n")
    url = reverse("evidence:file_upload", args=[item.pk])
    response = learner_client.generic("POST", url, body, content_type=content_type, headers=XHR)
    assert response.status_code == 400
    assert "The file's name is too long" in response.json()["errors"][0]
    response = learner_client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 302
    page = learner_client.get(response["Location"]).content.decode()
    assert "Rename the file to something shorter" in page
    assert not EvidenceFile.objects.exists()


def test_a_long_name_that_fits_the_headers_is_truncated_keeping_the_type(
    item, learner_client
) -> None:
    body, content_type = _multipart("n" * 600 + ".txt", b"hello\n")
    url = reverse("evidence:file_upload", args=[item.pk])
    response = learner_client.generic("POST", url, body, content_type=content_type, headers=XHR)
    assert response.status_code == 201
    name = EvidenceFile.objects.get().original_name
    assert len(name) == 150 and name.endswith("n.txt")


def test_an_over_limit_upload_gets_a_413_with_its_message(item, learner_client, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100_000
    before = _stored()
    response = _post(learner_client, item, "big.txt", b"a" * 300_000)
    assert response.status_code == 413
    assert response.json()["errors"] == [
        "This file is larger than the limit of 97.7\xa0KB; nothing was saved."
    ]
    assert not EvidenceFile.objects.exists() and _stored() == before
