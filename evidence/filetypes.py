"""What a file really is, decided by its content, never by its name or the browser's word.

``detect(file)`` returns the media type and kind of an allowed file, or raises ``Refused``
with a message naming what was found. Images are decoded in full, so a truncated, corrupt or
decompression-bomb image is refused here rather than later in a thumbnail.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from PIL import Image, UnidentifiedImageError
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


class Refused(ValueError):
    """The file may not be uploaded; ``str()`` is the message for the learner."""


@dataclass(frozen=True)
class Detected:
    media_type: str
    kind: str


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
    if media_type == "application/pdf":
        return Detected(media_type, DOCUMENT)
    if media_type in IMAGE_TYPES:
        return _image(file, media_type)
    if media_type in AUDIO_TYPES:
        return Detected(media_type, AUDIO)
    if media_type in VIDEO_TYPES:
        return Detected(media_type, VIDEO)
    if media_type is not None:
        raise refuse_type(media_type)
    if head.startswith(b"\x7fELF") or head[:4] in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf"):
        raise refuse_type("application/x-executable")
    return _text(file)


def _zip_document(file: IO[bytes]) -> Detected:
    """OOXML (``[Content_Types].xml`` names the main part) or ODF (the ``mimetype`` entry)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared in ODF_TYPES:
                    return Detected(declared, DOCUMENT)
                raise refuse_type(declared or "application/zip")
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml")[:1_000_000].decode(
                    "utf-8", "replace"
                )
                for main, media_type in OOXML_MAIN.items():
                    if f'ContentType="{main}"' in content_types:
                        return Detected(media_type, DOCUMENT)
                if "macroEnabled" in content_types:
                    raise refuse_type("application/vnd.ms-office.macroenabled")
    except zipfile.BadZipFile:
        raise Refused(
            f"This file looks like a ZIP-based document but is damaged; allowed are "
            f"{ALLOWED_SUMMARY}."
        ) from None
    finally:
        file.seek(0)
    raise refuse_type("application/zip")


def _ole_document(file: IO[bytes], guessed: str | None) -> Detected:
    """Legacy Word/Excel/PowerPoint: filetype's check, else the stream names in the directory."""
    if guessed in LEGACY_OFFICE:
        return Detected(guessed, DOCUMENT)
    scanned = 0
    tail = b""
    while scanned < 32 * 1024 * 1024:
        chunk = file.read(1024 * 1024)
        if not chunk:
            break
        window = tail + chunk
        for name, media_type in OLE_STREAMS.items():
            if name in window:
                file.seek(0)
                return Detected(media_type, DOCUMENT)
        tail = window[-64:]
        scanned += len(chunk)
    file.seek(0)
    raise refuse_type("application/x-ole-storage")


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
            with Image.open(file) as image:
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
