"""What a file really is, decided by its content, never by its name or the browser's word.

``detect(file)`` returns the media type and kind of an allowed file, or raises ``Refused``
with a message naming what was found. Images are decoded in full, so a truncated, corrupt or
decompression-bomb image is refused here rather than later in a thumbnail.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import struct
import threading
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import filetype
import pikepdf
from PIL import Image, ImageFile, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

# A 12000 x 12000 photo is 144 megapixels; phones take up to ~50. Pillow's own default
# (89 MP warning, 179 MP error) is kept as the ceiling.
MAX_IMAGE_PIXELS = 89_478_485
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

ALLOWED_SUMMARY = (
    "documents (PDF, Word, Excel, PowerPoint, OpenDocument, plain text), images (JPEG, PNG, "
    "WebP, HEIC), audio (MP3, M4A/AAC, WAV, Ogg) and video (MP4, M4V, MOV, WebM)"
)
DOCUMENT, IMAGE, AUDIO, VIDEO = "document", "image", "audio", "video"

OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
LEGACY_OFFICE = {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_STREAMS = {
    "WordDocument".encode("utf-16-le"): "application/msword",
    "Workbook".encode("utf-16-le"): "application/vnd.ms-excel",
    "PowerPoint Document".encode("utf-16-le"): "application/vnd.ms-powerpoint",
}
OLE_VBA_MARKERS = tuple(
    name.encode("utf-16-le") for name in ("_VBA_PROJECT", "VBA_PROJECT_CUR", "Macros\0")
)
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"}
PILLOW_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
AUDIO_TYPES = {"audio/mpeg", "audio/mp4", "audio/aac", "audio/x-wav", "audio/ogg"}
VIDEO_TYPES = {"video/mp4", "video/x-m4v", "video/quicktime", "video/webm"}

# What to call refused types, so the message means something to a learner.
DESCRIPTIONS = {
    "application/x-msdownload": "an executable",
    "application/x-executable": "an executable",
    "application/x-sharedlib": "an executable",
    "application/x-mach-binary": "an executable",
    "application/x-sh": "a script",
    "text/html": "a web page (HTML)",
    "image/svg+xml": "an SVG image",
    "application/xml": "an XML file",
    "text/javascript": "a script",
    "application/zip": "a ZIP archive",
    "application/x-rar-compressed": "a RAR archive",
    "application/x-7z-compressed": "a 7-Zip archive",
    "application/gzip": "a compressed archive",
    "application/x-tar": "a TAR archive",
    "image/gif": "a GIF image",
    "image/tiff": "a TIFF image",
    "image/bmp": "a BMP image",
    "image/avif": "an AVIF image",
    "application/x-ole-storage": "an Office-style container that is not a Word, Excel or "
    "PowerPoint file",
    "application/vnd.ms-office.macroenabled": "a macro-enabled Office document",
    "application/rtf": "a rich-text (RTF) file",
    "application/octet-stream": "of a type that could not be recognised",
    "text/plain; charset=unknown": "text that is not valid UTF-8",
}
MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|style|\?xml)\b",
    re.IGNORECASE,
)
SHEBANG = re.compile(rb"^\s*#!")
HEAD_BYTES = 64 * 1024
TEXT_SNIFF_BYTES = 64 * 1024

# Zip-based documents (OOXML, ODF). Real documents have tens to a few thousand parts and
# compress text about 5-20 times; a zip bomb declares gigabytes at ratios in the thousands.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL_BYTES = 512 * 1024 * 1024  # declared and actually read, all members together
ZIP_MAX_MEMBER_BYTES = 256 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR_BYTES = 4 * 1024 * 1024  # small members may compress as well as they like
ZIP_SMALL_MEMBER_BYTES = 1024 * 1024
ZIP_CHUNK_BYTES = 64 * 1024


class Refused(ValueError):
    """The file may not be uploaded; ``str()`` is the message for the learner."""


@dataclass(frozen=True)
class Detected:
    media_type: str
    kind: str
    #: What active content the file carries (macros, embedded programs, PDF JavaScript),
    #: in words for the learner and the assessor; "" when none was found.
    active_content: str = ""


def refuse_type(media_type: str) -> Refused:
    described = DESCRIPTIONS.get(media_type, "of a type that is not accepted")
    return Refused(f"This file is {described} ({media_type}); allowed are {ALLOWED_SUMMARY}.")


def detect(file: IO[bytes], *, size: int) -> Detected:
    """The media type and kind of ``file`` (read from the start), or ``Refused``."""
    if size <= 0:
        raise Refused("This file is empty (0 bytes); choose the file again or pick another.")
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    guess = filetype.guess(head)
    media_type = guess.mime if guess else None

    if head.startswith(b"PK\x03\x04"):
        return _zip_document(file)
    if head.startswith(OLE_MAGIC):
        return _ole_document(file, media_type)
    if media_type in {"application/pdf"} | IMAGE_TYPES | AUDIO_TYPES | VIDEO_TYPES:
        _refuse_polyglot(file, head, size=size)
    if media_type == "application/pdf":
        return Detected(media_type, DOCUMENT, _pdf_active_content(file))
    if media_type in IMAGE_TYPES:
        return _image(file, media_type)
    if media_type in AUDIO_TYPES:
        if media_type == "audio/mp4":
            _check_iso_boxes(file, size=size, media_type=media_type)
        return Detected(media_type, AUDIO)
    if media_type in VIDEO_TYPES:
        if media_type != "video/webm":
            _check_iso_boxes(file, size=size, media_type=media_type)
        return Detected(media_type, VIDEO)
    if media_type is not None:
        raise refuse_type(media_type)
    if head.startswith(b"\x7fELF") or head[:4] in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf"):
        raise refuse_type("application/x-executable")
    return _text(file)


def _refuse_polyglot(file: IO[bytes], head: bytes, *, size: int) -> None:
    """A PDF, image or recording that is also a ZIP archive (its end record in the last
    64 KB) or starts with web-page markup is two files in one: refused."""
    file.seek(max(size - HEAD_BYTES, 0))
    tail = file.read(HEAD_BYTES)
    file.seek(0)
    if b"PK\x05\x06" in tail and b"PK\x03\x04" in head + tail:
        raise Refused(
            "This file is also a ZIP archive hidden behind its first format (a polyglot), "
            "which can be opened as either; save or export it again and upload that."
        )
    if MARKUP.search(head[:1024]):
        raise Refused(
            "This file also contains web-page markup at its start (a polyglot), which a "
            "browser could run; save or export it again and upload that."
        )


ISO_MAX_BOXES = 10_000


def _check_iso_boxes(file: IO[bytes], *, size: int, media_type: str) -> None:
    """MP4, M4A and MOV are a chain of boxes covering the file; one that runs past the end,
    or a file without its ``moov`` index, was cut short and will not play."""
    offset = 0
    types: set[bytes] = set()
    try:
        for _ in range(ISO_MAX_BOXES):
            if offset >= size:
                break
            file.seek(offset)
            header = file.read(16)
            if len(header) < 8:
                raise _truncated(media_type)
            box_size, box_type = struct.unpack(">I4s", header[:8])
            if box_size == 1:
                if len(header) < 16:
                    raise _truncated(media_type)
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8 or offset + box_size > size:
                raise _truncated(media_type)
            types.add(box_type)
            offset += box_size
        if b"moov" not in types:
            raise _truncated(media_type)
    finally:
        file.seek(0)


def _truncated(media_type: str) -> Refused:
    return Refused(
        f"This recording ({media_type}) is incomplete: it ends before its own structure "
        "says it should, so it would not play. Upload the full file again."
    )


def _zip_document(file: IO[bytes]) -> Detected:
    """OOXML (``[Content_Types].xml`` names the main part) or ODF (the ``mimetype`` entry).

    The archive is never decompressed whole: its directory is checked first (member count,
    declared sizes, compression ratios), then every member is streamed through in chunks with
    a byte cap, so a zip bomb is refused after reading its directory and a member that lies
    about its size is stopped at the cap. Macros and embedded programs are noted on the
    result (``active_content``) for the upload policy to refuse or flag.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_zip_directory(members)
            names = {member.filename for member in members}
            if "mimetype" in names:
                declared = _read_member(archive, "mimetype", 100).decode("ascii", "replace").strip()
                if declared not in ODF_TYPES:
                    raise refuse_type(declared or "application/zip")
                detected = Detected(declared, DOCUMENT)
            elif "[Content_Types].xml" in names:
                content_types = _read_member(
                    archive, "[Content_Types].xml", ZIP_SMALL_MEMBER_BYTES
                ).decode("utf-8", "replace")
                main = next(
                    (t for m, t in OOXML_MAIN.items() if f'ContentType="{m}"' in content_types),
                    None,
                )
                if main is None:
                    if "macroEnabled" in content_types:
                        raise refuse_type("application/vnd.ms-office.macroenabled")
                    raise refuse_type("application/zip")
                detected = Detected(main, DOCUMENT)
            else:
                raise refuse_type("application/zip")
            active = _zip_active_content(archive, members, odf="mimetype" in names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise Refused(
            f"This file looks like a ZIP-based document but is damaged; allowed are "
            f"{ALLOWED_SUMMARY}."
        ) from None
    except (OSError, RuntimeError, ValueError) as error:
        if isinstance(error, Refused):
            raise
        # zipfile's own complaints: encrypted members, unsupported compression, bad CRC.
        raise Refused(
            "This ZIP-based document could not be read (it may be damaged or encrypted); "
            f"allowed are {ALLOWED_SUMMARY}."
        ) from None
    finally:
        file.seek(0)
    return Detected(detected.media_type, detected.kind, active)


def _zip_bomb() -> Refused:
    return Refused(
        "This document expands to far more data than its size suggests (a possible zip "
        "bomb), so it was not opened; save it again from your office program and retry."
    )


def _check_zip_directory(members: list[zipfile.ZipInfo]) -> None:
    """Refuse on the directory alone: too many members, too much declared data, or a member
    compressed far beyond what documents compress to."""
    if len(members) > ZIP_MAX_MEMBERS:
        raise Refused(
            f"This document holds {len(members):,} parts; at most {ZIP_MAX_MEMBERS:,} are "
            "accepted. Save it again from your office program and retry."
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > ZIP_MAX_TOTAL_BYTES or (
            member.file_size > ZIP_RATIO_FLOOR_BYTES and ratio > ZIP_MAX_RATIO
        ):
            raise _zip_bomb()


def _read_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """At most ``cap`` bytes of one member, decompressed chunk by chunk."""
    with archive.open(name) as member:
        return member.read(cap)


def _zip_active_content(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], *, odf: bool
) -> str:
    """Stream every member (bounded per member and in total, which also checks each CRC) and
    name the first macro, ActiveX control, embedded OLE object or executable found."""
    found = ""
    budget = ZIP_MAX_TOTAL_BYTES
    for member in members:
        name = member.filename
        lowered = name.lower()
        if not found:
            if lowered.endswith("vbaproject.bin") or "/vbaproject" in lowered:
                found = "Office macros (VBA)"
            elif odf and (lowered.startswith(("basic/", "scripts/"))):
                found = "OpenDocument macros or scripts"
            elif "/activex/" in lowered:
                found = "ActiveX controls"
        if member.is_dir():
            continue
        read = 0
        with archive.open(member) as stream:
            head = stream.read(ZIP_CHUNK_BYTES)
            if not found and head.startswith(OLE_MAGIC):
                found = f"an embedded OLE object ({_short(name)})"
            elif not found and (head.startswith((b"MZ", b"\x7fELF"))):
                found = f"an embedded program ({_short(name)})"
            chunk = head
            while chunk:
                read += len(chunk)
                if read > ZIP_MAX_MEMBER_BYTES or read > budget:
                    raise _zip_bomb()
                chunk = stream.read(ZIP_CHUNK_BYTES)
        budget -= read
    return found


def _short(name: str) -> str:
    return clean_filename(name, limit=60)


class StreamTooLarge(ValueError):
    """A PDF stream declares or inflates to more than the caller's cap."""


def read_pdf_stream(stream: pikepdf.Stream, cap: int) -> bytes:
    """A PDF stream's decoded bytes, never more than ``cap``: the declared ``/Length`` and
    ``/DL`` (and an embedded file's ``/Params /Size``) are checked before reading, and a
    Flate stream is inflated chunk by chunk with the cap, so a bomb stops at the cap."""
    for declared in (
        stream.get("/DL"),
        stream.get("/Params", {}).get("/Size") if "/Params" in stream else None,
    ):
        if isinstance(declared, int) and int(declared) > cap:
            raise StreamTooLarge(f"declares {int(declared):,} bytes")
    length = stream.get("/Length")
    if isinstance(length, int) and int(length) > cap:
        raise StreamTooLarge(f"is {int(length):,} bytes long")
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else filters
    if filters is None:
        raw = stream.read_raw_bytes()
        if len(raw) > cap:
            raise StreamTooLarge(f"is {len(raw):,} bytes long")
        return raw
    if filters != pikepdf.Name.FlateDecode or "/DecodeParms" in stream:
        raise StreamTooLarge("uses an encoding that is not read here")
    raw = stream.read_raw_bytes()
    inflater = zlib.decompressobj()
    out = bytearray()
    view = memoryview(raw)
    for start in range(0, len(raw), ZIP_CHUNK_BYTES):
        out += inflater.decompress(view[start : start + ZIP_CHUNK_BYTES], cap + 1 - len(out))
        if len(out) > cap or inflater.unconsumed_tail:
            raise StreamTooLarge(f"inflates to more than {cap:,} bytes")
    return bytes(out)


PDF_SCAN_MAX_OBJECTS = 200_000
PDF_OBJSTM_MAX_BYTES = 32 * 1024 * 1024
_PDF_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "an action that launches a program"}


def _pdf_active_content(file: IO[bytes]) -> str:
    """JavaScript, launch actions or embedded programs in a PDF, in words ("" if none).

    Object streams are checked first with :func:`read_pdf_stream`, so that qpdf never
    inflates an oversized one when the objects inside are looked at. A PDF that qpdf cannot
    open at all is accepted as a document (viewers show what they can), with nothing found.
    """
    file.seek(0)
    try:
        with pikepdf.open(file) as pdf:
            return _pdf_scan(pdf)
    except pikepdf.PasswordError:
        raise Refused(
            "This PDF is protected by a password, so its content cannot be checked or shown "
            "to your assessor; save a copy without the password and upload that."
        ) from None
    except pikepdf.PdfError:
        return ""
    except StreamTooLarge:
        raise Refused(
            "This PDF holds a compressed part that expands to far more data than the file's "
            "size suggests (a possible decompression bomb), so it was not opened; save it "
            "again from your PDF program and retry."
        ) from None
    finally:
        file.seek(0)


def _pdf_scan(pdf: pikepdf.Pdf) -> str:
    count = len(pdf.objects)
    if count > PDF_SCAN_MAX_OBJECTS:
        raise StreamTooLarge(f"has {count:,} objects")
    found = ""
    for number in range(1, count + 1):
        try:
            obj = pdf.get_object(number, 0)
        except (pikepdf.PdfError, ValueError):
            continue
        if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == pikepdf.Name.ObjStm:
            read_pdf_stream(obj, PDF_OBJSTM_MAX_BYTES)
    for number in range(1, count + 1):
        try:
            obj = pdf.get_object(number, 0)
        except (pikepdf.PdfError, ValueError):
            continue
        if found:
            break
        found = _pdf_object_active(obj, depth=0)
    return found


def _pdf_object_active(obj: object, *, depth: int) -> str:
    """Active content in one object or the dictionaries and arrays written inside it (an
    action given inline, ``/OpenAction <</S /Launch …>>``); indirect references are left to
    the caller's walk over every object, so nothing is visited twice."""
    if depth > 8:
        return ""
    if isinstance(obj, pikepdf.Array):
        for value in obj:
            nested = isinstance(value, pikepdf.Dictionary | pikepdf.Array)
            if (
                nested
                and not value.is_indirect
                and (found := _pdf_object_active(value, depth=depth + 1))
            ):
                return found
        return ""
    if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        return ""
    found = ""
    if "/JS" in obj or obj.get("/S") == pikepdf.Name.JavaScript:
        found = "JavaScript"
    elif obj.get("/S") == pikepdf.Name.Launch:
        found = _PDF_ACTIONS["/Launch"]
    elif "/JavaScript" in obj:  # the document's name tree of scripts
        found = "JavaScript"
    elif obj.get("/Type") == pikepdf.Name.EmbeddedFile:
        subtype = str(obj.get("/Subtype", ""))
        if any(word in subtype.lower() for word in ("exe", "msdownload", "executable")):
            found = "an embedded program"
        elif isinstance(obj, pikepdf.Stream):
            head = read_pdf_stream(obj, PDF_OBJSTM_MAX_BYTES)[:8]
            if head.startswith((b"MZ", b"\x7fELF")):
                found = "an embedded program"
    if found:
        return found
    for key in obj.keys():  # noqa: SIM118 -- a pikepdf Stream iterates its data, not keys
        value = obj.get(key)
        nested = isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect
        if nested and (found := _pdf_object_active(value, depth=depth + 1)):
            return found
    return ""


def _ole_document(file: IO[bytes], guessed: str | None) -> Detected:
    """Legacy Word/Excel/PowerPoint: filetype's check, else the stream names in the directory.

    The first 32 MB are read in 1 MB chunks for the document's stream names and for a VBA
    project (``_VBA_PROJECT``, the ``Macros`` or ``_VBA_PROJECT_CUR`` storage), which is
    noted as active content like an OOXML ``vbaProject.bin``.
    """
    media_type = guessed if guessed in LEGACY_OFFICE else None
    macros = False
    scanned = 0
    tail = b""
    try:
        while scanned < 32 * 1024 * 1024:
            chunk = file.read(1024 * 1024)
            if not chunk:
                break
            window = tail + chunk
            if media_type is None:
                media_type = next((t for n, t in OLE_STREAMS.items() if n in window), None)
            macros = macros or any(marker in window for marker in OLE_VBA_MARKERS)
            tail = window[-64:]
            scanned += len(chunk)
    finally:
        file.seek(0)
    if media_type is None:
        raise refuse_type("application/x-ole-storage")
    return Detected(media_type, DOCUMENT, "Office macros (VBA)" if macros else "")


_STRICT = threading.Lock()


@contextlib.contextmanager
def _strict_decoding() -> Iterator[None]:
    """Decode with ``LOAD_TRUNCATED_IMAGES`` off. WeasyPrint turns that global on when it is
    imported (``weasyprint/images.py``), after which Pillow pads a truncated image with grey
    instead of failing; it is switched off here for the decode and restored after."""
    with _STRICT:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _image(file: IO[bytes], media_type: str) -> Detected:
    """Decode the whole image: verify() the structure, then load() the pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in PILLOW_FORMATS:
                    raise refuse_type(media_type)
                _guard_pixels(image)
                image.verify()
            file.seek(0)
            with Image.open(file) as image, _strict_decoding():
                _guard_pixels(image)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(
            "This image is too large to open safely (more than "
            f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels, a possible decompression bomb); "
            "resize it and try again."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, Refused):
            raise
        raise Refused(
            f"This file claims to be an image ({media_type}) but could not be decoded; "
            "it may be damaged or incomplete."
        ) from None
    finally:
        file.seek(0)
    return Detected("image/heic" if media_type == "image/heif" else media_type, IMAGE)


def _guard_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise Image.DecompressionBombError("too many pixels")


def _text(file: IO[bytes]) -> Detected:
    """Plain UTF-8 text without NULs that does not look like markup or a script."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    file.seek(0)
    try:
        while chunk := file.read(1024 * 1024):
            if first:
                sniff = chunk[:TEXT_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")
                if MARKUP.search(sniff):
                    raise refuse_type(_markup_type(sniff))
                if SHEBANG.match(sniff):
                    raise refuse_type("application/x-sh")
                first = False
            if b"\x00" in chunk:
                raise refuse_type("application/octet-stream")
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise refuse_type("text/plain; charset=unknown") from None
    finally:
        file.seek(0)
    return Detected("text/plain", DOCUMENT)


def _markup_type(sniff: bytes) -> str:
    lowered = sniff.lower()
    if b"<svg" in lowered:
        return "image/svg+xml"
    if b"<html" in lowered or b"<!doctype" in lowered or b"<body" in lowered:
        return "text/html"
    if b"<?xml" in lowered:
        return "application/xml"
    if b"<script" in lowered:
        return "text/javascript"
    return "text/html"


def clean_filename(name: str, *, limit: int = 150) -> str:
    """A file name safe to show and to offer on download: no folders, no control characters,
    Unicode in NFC, at most ``limit`` characters (keeping the extension)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"\s", " ", name)
    # Drop Cc, Cf, Cs, Co, Cn: controls, bidi overrides, surrogates, private use, unassigned.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return "file"
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: limit - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:limit]
    return name


#: The extensions a file of each detected type may keep; the first is given to a name whose
#: extension says something else, so a text file called ``run.bat`` is stored as ``run.txt``.
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "application/msword": ("doc", "dot"),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt", "pps"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "text/plain": ("txt",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/webp": ("webp",),
    "image/heic": ("heic", "heif"),
    "audio/mpeg": ("mp3",),
    "audio/mp4": ("m4a", "mp4", "aac"),
    "audio/aac": ("aac",),
    "audio/x-wav": ("wav",),
    "audio/ogg": ("ogg", "oga", "opus"),
    "video/mp4": ("mp4", "m4v"),
    "video/x-m4v": ("m4v", "mp4"),
    "video/quicktime": ("mov",),
    "video/webm": ("webm",),
}


def name_for_type(name: str, media_type: str, *, limit: int = 150) -> str:
    """The cleaned name with the extension of the detected type: a kept extension if it
    fits the type (``photo.jpeg``), else the type's own (``run.bat`` as text is ``run.txt``;
    a right-to-left-override ``…exe`` is cleaned first and then renamed the same way)."""
    allowed = EXTENSIONS.get(media_type)
    cleaned = clean_filename(name, limit=limit)
    if not allowed:
        return cleaned
    stem, dot, ext = cleaned.rpartition(".")
    if dot and ext.lower() in allowed:
        return cleaned
    base = stem if dot and stem else cleaned
    base = base[: limit - len(allowed[0]) - 1].rstrip(" .") or "file"
    return f"{base}.{allowed[0]}"
