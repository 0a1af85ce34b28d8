"""Does an exported PDF still match the portal's record, and if not, what differs?

The PDF carries its verification code twice: in its metadata keywords and in the embedded
``portfolio-manifest.json``. The code finds the ``PortfolioDocument``, which kept the SHA-256
of the exact bytes exported and the manifest. Then:

- bytes differ from the export: the PDF was altered after export (any edit, even re-saving);
- the record head printed in the PDF (the centre's latest entry at export): the chain from the
  portfolio's first entry up to it no longer verifies, so an entry was changed or removed;
- embedded manifest differs from the kept one: the manifest inside the PDF was tampered with;
- record entries of the exported enrolments: changed (same number, other hash), missing, or
  added since the export (the portfolio is out of date, not forged);
- evidence files: removed, changed (other SHA-256) or added since the export.

Given only the verification code (``verify_code``), the same record and evidence checks run
against what was kept at export; there are no bytes to compare, so the answer says what was
exported (time, learner, the PDF's SHA-256, the record head) for the holder to compare.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from django.conf import settings

from assessments.models import RecordEntry
from assessments.record import RecordHead, verify_span
from evidence.filetypes import StreamTooLarge, read_pdf_stream
from evidence.models import EvidenceFile
from portal.portfolio.models import PortfolioDocument
from portal.portfolio.render import KEYWORD_PREFIX, MANIFEST_NAME
from standards.importer import nesting_depth

#: Our manifests nest four levels (object > files list > file object > values).
MANIFEST_MAX_DEPTH = 10


MaySee = Callable[[PortfolioDocument], bool]


def _anyone(document: PortfolioDocument) -> bool:
    """For the command line: the operator may see everything."""
    return True


@dataclass
class Verification:
    code: str = ""
    document: PortfolioDocument | None = None
    sha256: str = ""
    unchanged_bytes: bool = False
    by_code: bool = False  # checked from the code alone: no file to compare
    problems: list[str] = field(default_factory=list)  # the PDF or the record was altered
    updates: list[str] = field(default_factory=list)  # the record moved on since export
    # Whether the viewer may see the learner's portfolio today (or runs the command). If not,
    # the answer reveals only what the PDF holds: no file names, and no name at all for a
    # code given without the PDF.
    detail: bool = True

    @property
    def genuine(self) -> bool:
        bytes_ok = self.by_code or self.unchanged_bytes
        return self.document is not None and bytes_ok and not self.problems

    @property
    def matches(self) -> bool:
        """Genuine and still what the portal holds today."""
        return self.genuine and not self.updates

    @property
    def learner_name(self) -> str:
        """The learner's name as printed in the PDF (kept in its manifest since the record
        head was; older exports fall back to the account's name today, for viewers who may
        see the learner). Empty when the answer may not name anyone."""
        if self.document is None or not self.shows_who:
            return ""
        learner = self.document.manifest.get("learner")
        name = learner.get("name") if isinstance(learner, dict) else None
        if name:
            return str(name)
        return self.document.learner.display_name if self.detail else ""

    @property
    def shows_who(self) -> bool:
        """Name the learner and centre: to a viewer who may see them, or to the holder of
        the very PDF that prints them."""
        return self.detail or (not self.by_code and self.unchanged_bytes)

    @property
    def head(self) -> RecordHead | None:
        if self.document is None or self.document.record_head_sequence is None:
            return None
        return RecordHead(self.document.record_head_sequence, self.document.record_head_hash)

    @property
    def verdict(self) -> str:
        if self.document is None:
            return "Not verified: " + (self.problems[0] if self.problems else "unknown code.")
        if self.by_code:
            if self.matches:
                return (
                    "Intact: the record entries and evidence files of this export are unchanged "
                    "and nothing has been decided since."
                )
            if self.genuine:
                return (
                    "Intact but out of date: nothing exported was changed, but the record has "
                    "moved on since."
                )
            return "Not intact: the record or the evidence differs from what was exported."
        if self.matches:
            return "Verified: this PDF is exactly as exported and matches the portal's record."
        if self.genuine:
            return "Genuine but out of date: the record has changed since this PDF was exported."
        return "Not verified: this PDF or the record differs from what was exported."


def read_embedded(source: bytes | Path) -> tuple[str, dict[str, Any] | None]:
    """The verification code and the embedded manifest, as far as they can be read."""
    code = ""
    manifest = None
    with pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source) as pdf:
        keywords = str(pdf.docinfo.get("/Keywords", ""))
        for word in keywords.replace(",", " ").split():
            if word.startswith(KEYWORD_PREFIX):
                code = word.removeprefix(KEYWORD_PREFIX)
        if MANIFEST_NAME in pdf.attachments:
            manifest = _read_manifest(pdf.attachments[MANIFEST_NAME].get_file().obj)
    if manifest and not code:
        code = str(manifest.get("verification_code", ""))[:100]
    return code, manifest


def _read_manifest(stream: pikepdf.Stream) -> dict[str, Any] | None:
    """The embedded manifest if it is a JSON object of bounded size and depth, else None.

    Its declared and inflated sizes are capped (``read_pdf_stream``), and its nesting is
    measured before parsing, so a small PDF cannot make the server inflate or recurse far.
    """
    try:
        raw = read_pdf_stream(stream, settings.PORTFOLIO_MANIFEST_MAX_BYTES)
        text = raw.decode("utf-8")
    except (StreamTooLarge, UnicodeDecodeError, pikepdf.PdfError):
        return None
    if nesting_depth(text) > MANIFEST_MAX_DEPTH:
        return None
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _sha256(source: bytes | Path) -> str:
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_pdf(source: bytes | Path, *, may_see: MaySee = _anyone) -> Verification:
    """Verify a PDF given as bytes or as a path (large uploads are read from disk).
    ``may_see(document)``: whether the viewer may see that learner today (else the answer
    reveals only what the PDF holds: ``Verification.detail``)."""
    result = Verification(sha256=_sha256(source))
    try:
        code, embedded = read_embedded(source)
    except (pikepdf.PdfError, ValueError, RecursionError):
        result.problems.append("the file is not a readable PDF.")
        return result
    result.code = code
    if not code:
        result.problems.append("the PDF carries no verification code of this portal.")
        return result
    document = (
        PortfolioDocument.objects.select_related("export", "learner", "export__centre")
        .filter(verification_code=code)
        .first()
    )
    if document is None:
        result.problems.append(f"the verification code {code} is unknown to this portal.")
        return result
    result.document = document
    result.detail = may_see(document)
    result.unchanged_bytes = result.sha256 == document.sha256
    if not result.unchanged_bytes:
        result.problems.append(
            "The PDF was altered after export: its SHA-256 differs from the exported file's."
        )
    if embedded is not None and embedded != document.manifest:
        result.problems.append("The manifest embedded in the PDF differs from the one exported.")
    _compare_record(document.manifest, result)
    _compare_files(document.manifest, result)
    return result


def verify_code(code: str, *, may_see: MaySee = _anyone) -> Verification:
    """What was exported under a verification code, and whether it still holds.

    ``code`` is as the form cleaned it (``PF-XXXX-XXXX-XXXX``); ``may_see`` as for
    ``verify_pdf``."""
    result = Verification(code=code, by_code=True)
    document = (
        PortfolioDocument.objects.select_related("export", "learner", "export__centre")
        .filter(verification_code=code)
        .first()
    )
    if document is None:
        result.problems.append(f"no portfolio was exported under the code {code}.")
        return result
    result.document = document
    result.detail = may_see(document)
    result.sha256 = document.sha256
    _compare_record(document.manifest, result)
    _compare_files(document.manifest, result)
    return result


def _compare_record(manifest: dict[str, Any], result: Verification) -> None:
    exported = {e["sequence"]: e["entry_hash"] for e in manifest.get("record", [])}
    enrolment_ids = [e["id"] for e in manifest.get("enrolments", [])]
    current = dict(
        RecordEntry.objects.filter(
            enrolment_id__in=enrolment_ids, centre_id=manifest["centre"]["id"]
        ).values_list("sequence", "entry_hash")
    )
    for sequence, entry_hash in sorted(exported.items()):
        if sequence not in current:
            result.problems.append(f"Record entry #{sequence} was removed since export.")
        elif current[sequence] != entry_hash:
            result.problems.append(f"Record entry #{sequence} was changed since export.")
    head = result.head
    if head is not None:
        first = min(exported, default=head.sequence)
        broken = verify_span(manifest["centre"]["id"], first=first, head=head)
        if broken is not None:
            result.problems.append(
                f"The centre's record no longer verifies from entry #{first} to the head at "
                f"export (#{head.sequence}): entry #{broken.sequence}: {broken.reason}."
            )
    added = sorted(set(current) - set(exported))
    if added:
        numbers = ", ".join(f"#{n}" for n in added[:20]) + (" …" if len(added) > 20 else "")
        result.updates.append(f"{len(added)} record entries were added since export: {numbers}.")


def _compare_files(manifest: dict[str, Any], result: Verification) -> None:
    exported = {f["id"]: f for f in manifest.get("files", [])}
    enrolment_ids = [e["id"] for e in manifest.get("enrolments", [])]
    current = {
        f.pk: f
        # Every version's files: one the learner removed after an assessment is kept.
        for f in EvidenceFile.all_versions.filter(item__enrolment_id__in=enrolment_ids).only(
            "pk", "sha256", "original_name"
        )
    }
    removed = [listed for pk, listed in exported.items() if pk not in current]
    for pk, listed in exported.items():
        if pk in current and current[pk].sha256 != listed["sha256"]:
            what = f"{listed['item']} {listed['name']}" if result.detail else "An evidence file"
            result.problems.append(
                f"{what}: the stored file's SHA-256 differs from the one exported."
            )
    added = sorted(set(current) - set(exported))
    if result.detail:
        result.updates += [f"{f['item']} {f['name']} was removed since export." for f in removed]
        result.updates += [f"{current[pk].original_name} was added since export." for pk in added]
        return
    if removed:
        result.updates.append(f"{len(removed)} evidence file(s) were removed since export.")
    if added:
        result.updates.append(f"{len(added)} evidence file(s) were added since export.")
