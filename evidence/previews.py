"""First-page previews of PDF and Word evidence, made by the task worker.

A preview is a PNG of the document's first page, at most 1000 px on its longer side, kept in
the private storage under the file's SHA-256 (``evidence/previews/<sha256>.png``), so the
same file uploaded twice is rendered once. When a preview cannot be made, a small marker
(``<sha256>.none``) holds a reason code, which pages turn into words. Only the access-checked
``evidence:file_preview`` view serves the PNG; nothing of the document itself (its HTML,
scripts or fonts) ever reaches the browser.

Rendering runs in child processes with a wall-clock timeout and resource limits (address
space, CPU time, file size):

- PDF: ``pdftoppm`` (poppler-utils) renders page 1 only.
- Word (.docx, .doc) and OpenDocument text (.odt): LibreOffice headless converts the document
  to PDF with a throwaway profile, inside a new network namespace (``unshare -rn``) so it can
  fetch nothing, then page 1 goes through the PDF path.

Previews are made only of files that passed the upload checks (``evidence.filetypes``), that
the malware scanner has not quarantined or is not still checking, and that carry no macros or
other active content. ``EVIDENCE_PREVIEWS=0`` turns them off. ``manage.py make_previews``
queues the previews missing for stored files (after turning previews on, or a restore).
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django_tasks import task
from PIL import Image

from evidence.models import EvidenceFile, private_storage

logger = logging.getLogger(__name__)

PREVIEWS = "evidence/previews"
PDF = "application/pdf"
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.oasis.opendocument.text": "odt",
}
PREVIEW_PIXELS = 1000
MAX_SOURCE_BYTES = 200 * 1024 * 1024
PDF_TIMEOUT_SECONDS = 30
OFFICE_TIMEOUT_SECONDS = 90
MEMORY_BYTES = 1024 * 1024 * 1024
OUTPUT_BYTES = 256 * 1024 * 1024
COPY_CHUNK_BYTES = 1024 * 1024

REASONS = {
    "encrypted": "The document is protected by a password, so its pages cannot be read.",
    "damaged": "The document could not be read to make a preview: it may be damaged, or use "
    "features the previewer does not support.",
    "no_pages": "The document has no pages.",
    "timeout": "Making the preview took too long, so it was stopped.",
    "too_large": f"The file is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB, too large "
    "for a preview.",
    "failed": "The preview could not be made.",
}


class NoPreview(Exception):
    """A preview cannot be made; ``code`` is a key of ``REASONS``."""

    def __init__(self, code: str) -> None:
        super().__init__(REASONS[code])
        self.code = code


@dataclass(frozen=True)
class Preview:
    """What a page says about a file's preview.

    ``state`` is "ready" (the PNG is served by ``evidence:file_preview``), "pending" (the
    worker has it queued), "waiting_scan" (it is made once the malware check is finished),
    or "none" (``reason`` says why in words).
    """

    state: str
    reason: str = ""


def png_name(sha256: str) -> str:
    return f"{PREVIEWS}/{sha256}.png"


def marker_name(sha256: str) -> str:
    return f"{PREVIEWS}/{sha256}.none"


def is_document(evidence_file: EvidenceFile) -> bool:
    """A PDF or word-processing file, of which a preview is made when previews are on."""
    return bool(settings.EVIDENCE_PREVIEWS) and (
        evidence_file.media_type == PDF or evidence_file.media_type in OFFICE_TYPES
    )


@functools.cache
def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def network_isolation() -> list[str]:
    """``unshare -rn`` (a new user and network namespace with only a loopback that is down)
    when the kernel allows it, else nothing (logged: the converter could reach the network)."""
    unshare = shutil.which("unshare")
    if unshare:
        try:
            probe = subprocess.run(  # noqa: S603 - a fixed program and arguments
                [unshare, "-rn", "true"], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            probe = None
        if probe is not None and probe.returncode == 0:
            return [unshare, "-rn"]
    logger.warning(
        "unshare -rn is not available: LibreOffice previews run without network isolation"
    )
    return []


def refusal(evidence_file: EvidenceFile) -> str:
    """Why no preview is made of this document whatever the worker does, or ""."""
    if evidence_file.active_content:
        return (
            f"No preview is made of a file that contains {evidence_file.active_content}, so "
            "that nothing in it is run on the server."
        )
    if evidence_file.media_type in OFFICE_TYPES and soffice() is None:
        return (
            "Previews of Word and OpenDocument files need LibreOffice, which is not installed "
            "on this server."
        )
    return ""


def preview_for(evidence_file: EvidenceFile) -> Preview | None:
    """The preview's state for a page, or None for a file that gets no preview (not a
    document, previews turned off, or quarantined: the page says so already)."""
    if not is_document(evidence_file) or evidence_file.is_quarantined:
        return None
    if reason := refusal(evidence_file):
        return Preview("none", reason)
    if evidence_file.awaits_scan:
        return Preview("waiting_scan")
    storage = private_storage()
    if storage.exists(png_name(evidence_file.sha256)):
        return Preview("ready")
    marker = marker_name(evidence_file.sha256)
    if storage.exists(marker):
        with storage.open(marker, "rb") as stored:
            code = stored.read(64).decode("ascii", "replace").strip()
        return Preview("none", REASONS.get(code, REASONS["failed"]))
    return Preview("pending")


def evidence_preview_request(*, evidence_file: EvidenceFile) -> bool:
    """Queue the worker to make the file's preview if one may be made and none exists yet
    for its SHA-256; True if queued. Called once a stored file is clean or needs no scan."""
    if not is_document(evidence_file) or refusal(evidence_file):
        return False
    if evidence_file.scan_status not in (
        EvidenceFile.ScanStatus.CLEAN,
        EvidenceFile.ScanStatus.NOT_SCANNED,
    ):
        return False
    storage = private_storage()
    sha256 = evidence_file.sha256
    if storage.exists(png_name(sha256)) or storage.exists(marker_name(sha256)):
        return False
    make_evidence_preview.enqueue(evidence_file.pk)
    return True


def evidence_preview_make(*, file_id: int) -> str:
    """Render and store the preview of one file (the worker's task); returns "ready",
    "exists", a reason code, or "skipped" for a file no preview may be made of now."""
    evidence_file = EvidenceFile.objects.filter(pk=file_id).first()
    if evidence_file is None or not is_document(evidence_file) or refusal(evidence_file):
        return "skipped"
    if evidence_file.scan_status not in (
        EvidenceFile.ScanStatus.CLEAN,
        EvidenceFile.ScanStatus.NOT_SCANNED,
    ):
        return "skipped"
    storage = private_storage()
    sha256 = evidence_file.sha256
    if storage.exists(png_name(sha256)) or storage.exists(marker_name(sha256)):
        return "exists"
    try:
        if evidence_file.size > MAX_SOURCE_BYTES:
            raise NoPreview("too_large")
        with tempfile.TemporaryDirectory(prefix="evidence-preview-") as work:
            source = Path(work) / f"document.{OFFICE_TYPES.get(evidence_file.media_type, 'pdf')}"
            with storage.open(evidence_file.file.name, "rb") as stored, source.open("wb") as out:
                while chunk := stored.read(COPY_CHUNK_BYTES):
                    out.write(chunk)
            if evidence_file.media_type == PDF:
                png = render_pdf(source, Path(work))
            else:
                png = render_office(source, Path(work))
    except NoPreview as error:
        _store(marker_name(sha256), error.code.encode())
        logger.info("No preview of evidence file %s: %s", file_id, error.code)
        return error.code
    except Exception:
        logger.exception("Could not make the preview of evidence file %s", file_id)
        _store(marker_name(sha256), b"failed")
        return "failed"
    _store(png_name(sha256), png)
    return "ready"


@task()
def make_evidence_preview(file_id: int) -> str:
    """The worker's task (defined here beside its renderer rather than in ``tasks.py``)."""
    return evidence_preview_make(file_id=file_id)


def _store(name: str, content: bytes) -> None:
    storage = private_storage()
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # another worker stored it first: keep theirs
        storage.delete(saved)


def _limits(memory: int, cpu_seconds: int) -> None:
    """Run in the child before exec: cap its address space, CPU time and written files."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_BYTES, OUTPUT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_bounded(
    command: list[str], *, timeout: int, cwd: Path, memory: int = MEMORY_BYTES
) -> subprocess.CompletedProcess[bytes]:
    """Run a renderer in its own session with resource limits; past ``timeout`` seconds the
    whole process group is killed and ``NoPreview("timeout")`` raised."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "TMPDIR": str(cwd),
        "LANG": "C.UTF-8",
    }
    process = subprocess.Popen(  # noqa: S603 - fixed programs, our own arguments
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: _limits(memory, timeout),
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise NoPreview("timeout") from None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def render_pdf(source: Path, work: Path) -> bytes:
    """Page 1 of a PDF as a PNG at most ``PREVIEW_PIXELS`` on its longer side."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise RuntimeError("pdftoppm (poppler-utils) is not installed")
    root = work / "page"
    result = run_bounded(
        [
            pdftoppm,
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-scale-to",
            str(PREVIEW_PIXELS),
            "-singlefile",
            str(source),
            str(root),
        ],
        timeout=PDF_TIMEOUT_SECONDS,
        cwd=work,
    )
    output = root.with_suffix(".png")
    if result.returncode != 0 or not output.exists():
        message = result.stderr.decode("utf-8", "replace").lower()
        if "password" in message:
            raise NoPreview("encrypted")
        if "wrong page range" in message or "page count 0" in message:
            raise NoPreview("no_pages")
        raise NoPreview("damaged")
    return _clean_png(output)


def render_office(source: Path, work: Path) -> bytes:
    """Convert a word-processing document to PDF with LibreOffice headless (a throwaway
    profile, no network), then render its page 1."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out = work / "converted"
    profile = work / "profile"
    result = run_bounded(
        [
            *network_isolation(),
            program,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ],
        timeout=OFFICE_TIMEOUT_SECONDS,
        cwd=work,
    )
    converted = out / f"{source.stem}.pdf"
    if result.returncode != 0 or not converted.exists() or converted.stat().st_size == 0:
        raise NoPreview("damaged")
    return render_pdf(converted, work)


def _clean_png(path: Path) -> bytes:
    """Re-encode the renderer's PNG with Pillow after checking it is one of bounded size, so
    what is served is exactly an image we made."""
    with Image.open(path) as image:
        if image.format != "PNG" or max(image.size) > PREVIEW_PIXELS:
            raise NoPreview("failed")
        out = io.BytesIO()
        image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()
