"""Small real files of each kind, and evidence made through the services, for tests."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
import zlib

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from evidence import services
from evidence.models import EvidenceFile, EvidenceItem


def png_bytes(size: tuple[int, int] = (40, 30), colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG")
    return out.getvalue()


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb's signature)."""
    data = bytearray(png_bytes((1, 1)))
    ihdr = 8 + 8  # signature, then length + type of the IHDR chunk
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr + 13])) & 0xFFFFFFFF
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def one_page_pdf(text: str = "Care plan review") -> bytes:
    """A real A4 page with a line of Helvetica text."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
    )
    page.Contents = pdf.make_stream(f"BT /F1 36 Tf 72 720 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)  # the same text makes the same bytes
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def word_docx(text: str = "Supervision notes") -> bytes:
    """A small but complete .docx (content types, package relationships, one paragraph)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            f'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
            f'<w:r><w:rPr><w:sz w:val="48"/></w:rPr><w:t>{text}</w:t></w:r></w:p></w:body>'
            "</w:document>",
        )
    return out.getvalue()


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_item(enrolment, **fields) -> EvidenceItem:
    values = {
        "title": "Care plan review",
        "occurred_on": datetime.date(2026, 10, 1),
        "evidence_type": EvidenceItem.Type.PRODUCT,
        "description": "I reviewed the care plan.",
        **fields,
    }
    return services.evidence_create(enrolment=enrolment, **values)


def add_file(item: EvidenceItem, name: str = "photo.png", content: bytes | None = None, **kw):
    content = png_bytes() if content is None else content
    return services.evidence_file_add(
        item=item, upload=io.BytesIO(content), original_name=name, size=len(content), **kw
    )


def submitted_item(enrolment, **fields) -> EvidenceItem:
    item = make_item(enrolment, **fields)
    add_file(item)
    return services.evidence_submit(
        item=item, learner=enrolment.learner, declaration_name=enrolment.learner.full_name
    )


def image_file(enrolment) -> EvidenceFile:
    return add_file(make_item(enrolment))
