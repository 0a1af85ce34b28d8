"""Hostile files, built at test time (nothing large is committed).

Each builder returns bytes. The zip bomb is assembled from one deflated megabyte of zeros
repeated (a full flush makes every repeat byte-identical), so a 1 MB file that inflates to
1 GB costs a fraction of a second to build.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import pikepdf

from tests.evidence.helpers import docx_bytes, jpeg_bytes, odt_bytes, pdf_bytes, png_bytes

CONTENT_TYPES_DOCX = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _zip_raw(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from pre-deflated members: (name, deflated data, crc, size, method)."""
    out = bytearray()
    central = bytearray()
    for name, data, crc, size, method in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
        )
        out += encoded + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0
    )
    return bytes(out + central + end)


def _stored(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return (name, data, zlib.crc32(data), len(data), 0)


def _zeros_deflated(megabytes: int) -> tuple[bytes, int, int]:
    chunk = b"\0" * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    # The CRC is left 0: the files are refused before any checksum is compared, and
    # computing a real one would cost a second per gigabyte.
    return block * megabytes + tail, 0, megabytes * 1024 * 1024


def zip_bomb_docx(megabytes: int = 1024) -> bytes:
    """A "docx" of about 1 MB whose document part inflates to ``megabytes`` MB."""
    data, crc, size = _zeros_deflated(megabytes)
    return _zip_raw(
        [
            _stored("[Content_Types].xml", CONTENT_TYPES_DOCX),
            ("word/document.xml", data, crc, size, 8),
        ]
    )


def zip_lying_sizes_docx() -> bytes:
    """A docx whose directory declares a 1 KB part that really inflates to 64 MB: the
    declared size passes the directory check, and streaming stops at the declared size
    (zipfile then finds the CRC wrong)."""
    data, crc, _size = _zeros_deflated(64)
    return _zip_raw(
        [
            _stored("[Content_Types].xml", CONTENT_TYPES_DOCX),
            ("word/document.xml", data, crc, 1024, 8),
        ]
    )


def zip_many_members_docx(count: int = 12_000) -> bytes:
    members = [_stored("[Content_Types].xml", CONTENT_TYPES_DOCX)]
    members += [_stored(f"word/media/p{n}.xml", b"") for n in range(count)]
    return _zip_raw(members)


def docx_with(extra: dict[str, bytes], content_types: bytes = CONTENT_TYPES_DOCX) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return out.getvalue()


def docm_bytes() -> bytes:
    """A macro-enabled Word file saved under .docx: the content types say macroEnabled."""
    types = CONTENT_TYPES_DOCX.replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.document.main+xml"
    )
    return docx_with(
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512}, types
    )


def docx_with_ole_object() -> bytes:
    return docx_with(
        {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512}
    )


def docx_with_exe() -> bytes:
    return docx_with({"word/embeddings/setup.exe": b"MZ\x90\x00" + b"\0" * 512})


def odt_with_macros() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("Basic/Standard/Module1.xml", "<script:module/>")
    return out.getvalue()


def pdf_with(extra_catalog: bytes, extra_objects: bytes = b"") -> bytes:
    """A small valid PDF (qpdf rebuilds its cross-reference table) with catalog entries."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R" + extra_catalog + b">>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
        + extra_objects
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_open_action_js() -> bytes:
    return pdf_with(b"/OpenAction 4 0 R", b"4 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n")


def pdf_names_js() -> bytes:
    return pdf_with(
        b"/Names<</JavaScript 4 0 R>>",
        b"4 0 obj<</Names[(a) 5 0 R]>>endobj\n5 0 obj<</S/JavaScript/JS(1)>>endobj\n",
    )


def pdf_launch() -> bytes:
    return pdf_with(b"/OpenAction<</S/Launch/F(cmd.exe)>>")


def pdf_hex_escaped_js() -> bytes:
    """/J#61vaScript is /JavaScript once the name is decoded: a raw byte scan misses it."""
    return pdf_with(b"/OpenAction 4 0 R", b"4 0 obj<</S/J#61vaScript/J#53(1)>>endobj\n")


def pdf_objstm_bomb(megabytes: int = 256) -> bytes:
    """A PDF whose object stream inflates to ``megabytes`` MB."""
    raw, _crc, _size = _zeros_deflated(megabytes)
    data = b"\x78\xda" + raw + b"\0\0\0\0"  # zlib header; the Adler-32 is never reached
    return pdf_with(
        b"",
        b"4 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(data)).encode()
        + b">>stream\n"
        + data
        + b"\nendstream endobj\n",
    )


def pdf_encrypted() -> bytes:
    """A PDF that opens only with a password (AES-256)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(owner="o-secret", user="u-secret", R=6))
    return buffer.getvalue()


def png_zip_polyglot() -> bytes:
    """A real PNG with a zip (holding an HTML page) appended: opens as both."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<html><script>alert(1)</script></html>")
    return png_bytes() + out.getvalue()


def html_gif_polyglot() -> bytes:
    return b"GIF89a/*<html><script>alert(1)</script></html>*/=1;"


def zip_with_png_head() -> bytes:
    """A zip whose first member is named to look like a document but carries no types."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("image.png", png_bytes())
    return out.getvalue()


def pdf_html_polyglot() -> bytes:
    return b"<html><body><script>alert(1)</script>%PDF-1.4</body></html>"


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: max(16, int(len(data) * keep))]


def noisy_jpeg(size: int = 200) -> bytes:
    """A photo-like JPEG (noise, so its scan data fills the file; a flat colour would be
    mostly tables, and cutting it in half could leave the picture whole)."""
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((size, size), 64).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def mp4_truncated() -> bytes:
    """An ISO-BMFF header (ftyp) and then nothing: detected as video, played by no one."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\0\0\2\0" + b"isomiso2"
    return ftyp + struct.pack(">I", 1000) + b"moov"


def nested_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def standard_doc(**overrides: object) -> list[dict]:
    """A small valid standards file; ``overrides`` replace fields of the first criterion."""
    doc = [
        {
            "model": "standards.standard",
            "fields": {"slug": "bad-input", "title": "Bad input", "source_document": "x"},
        },
        {
            "model": "standards.criteriongroup",
            "fields": {
                "standard": ["bad-input"],
                "kind": "performance",
                "order": 1,
                "title": "Group",
            },
        },
        {
            "model": "standards.criterion",
            "fields": {
                "standard": ["bad-input"],
                "group": ["bad-input", "performance", 1],
                "kind": "performance",
                "reference": "P1",
                "order": 1,
                "text": "Do the thing.",
            },
        },
    ]
    doc[2]["fields"].update(overrides)
    return doc


def as_json(document: object) -> bytes:
    return json.dumps(document).encode()


__all__ = [
    "EICAR",
    "docx_bytes",
    "jpeg_bytes",
    "odt_bytes",
    "pdf_bytes",
    "png_bytes",
]


def portfolio_pdf(
    manifest: bytes | None, *, code: str = "PF-AAAA-BBBB-CCCC", raw: bool = False
) -> bytes:
    """A PDF carrying a verification code and ``manifest`` as its embedded manifest. With
    ``raw``, ``manifest`` is already Flate-compressed and is written as is (a bomb)."""
    import pikepdf

    from portal.portfolio.render import KEYWORD_PREFIX, MANIFEST_NAME

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Keywords"] = f"{KEYWORD_PREFIX}{code}"
    if manifest is not None:
        pdf.attachments[MANIFEST_NAME] = pikepdf.AttachedFileSpec(pdf, b"{}")
        stream = pdf.attachments[MANIFEST_NAME].get_file().obj
        if raw:
            stream.write(manifest, filter=pikepdf.Name.FlateDecode)
            stream.Params.Size = 2  # the lie a bomb tells
        else:
            stream.write(manifest)
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    return out.getvalue()


def manifest_bomb_pdf(megabytes: int = 800) -> bytes:
    """The issue's 816 KB PDF whose embedded manifest inflates to 800 MB."""
    raw, _crc, _size = _zeros_deflated(megabytes)
    return portfolio_pdf(b"\x78\xda" + raw + b"\0\0\0\0", raw=True)
