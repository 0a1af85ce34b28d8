"""Anchors: the head of each centre's record, kept outside the database.

Deleting the newest entries leaves a shorter chain that still verifies, and someone holding
the database alone can do that. ``manage.py anchor_record`` therefore appends each centre's
head (sequence, entry hash, its MAC, the time) as one signed JSON line to an append-only file
(``RECORD_ANCHOR_PATH``) and, if ``ANCHOR_EMAIL`` is set, mails the lines too.
``manage.py verify_record`` compares the database with the latest anchor of each centre: an
anchored entry that is missing means the record was truncated; one with another hash means
it was rewritten.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from assessments import signing
from assessments.models import RecordEntry
from assessments.record import ChainReport


@dataclass(frozen=True)
class Anchor:
    centre_id: int
    sequence: int
    entry_hash: str
    anchored_at: str
    line_number: int


@dataclass(frozen=True)
class AnchorProblem:
    centre_id: int | None
    sequence: int | None
    reason: str

    def __str__(self) -> str:
        where = f"Centre {self.centre_id}" if self.centre_id is not None else "Anchor log"
        if self.sequence is not None:
            where += f": anchored entry #{self.sequence}"
        return f"{where}: {self.reason}"


def _anchor_path() -> Path:
    return Path(settings.RECORD_ANCHOR_PATH)


def _signed_line(document: dict) -> str:
    body = json.dumps(document, sort_keys=True, separators=(",", ":"))
    key_id = signing.current_key_id()
    signed = {**document, "key_id": key_id, "mac": signing.mac_for(body, key_id)}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"))


def head_lines(reports: list[ChainReport]) -> list[str]:
    """One signed anchor line for each verified centre's head: the entry the check reached,
    not whatever was appended since."""
    now = timezone.now()  # UTC
    lines = []
    for report in reports:
        if report.first_break is not None or not report.entries:
            continue
        head = RecordEntry.objects.values("entry_hash", "mac", "mac_key_id").get(
            centre_id=report.centre_id, sequence=report.entries
        )
        document = {
            "centre": report.centre_id,
            "sequence": report.entries,
            "entry_hash": head["entry_hash"],
            "entry_mac": head["mac"],
            "entry_mac_key_id": head["mac_key_id"],
            "anchored_at": now.isoformat(),
        }
        lines.append(_signed_line(document))
    return lines


def anchors_append(lines: list[str]) -> Path:
    """Append the lines to the anchor log (opened for appending only) and flush them to disk."""
    path = _anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, "".join(line + "\n" for line in lines).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def anchors_email(lines: list[str]) -> int:
    """Mail the lines to ``ANCHOR_EMAIL``; returns the number of messages sent (0 or 1)."""
    if not settings.ANCHOR_EMAIL or not lines:
        return 0
    return send_mail(
        subject=f"Assessment record anchors {timezone.now():%Y-%m-%d %H:%M} UTC",
        message=(
            "The head of each centre's assessment record, as written to the anchor log. "
            "Keep this message: manage.py verify_record compares the record with these "
            "lines.\n\n" + "\n".join(lines) + "\n"
        ),
        from_email=None,
        recipient_list=settings.ANCHOR_EMAIL,
    )


def _read(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line.strip()


def latest_anchors() -> tuple[dict[int, Anchor], list[AnchorProblem]]:
    """The last validly signed anchor of each centre in the log, and the log's bad lines."""
    path = _anchor_path()
    latest: dict[int, Anchor] = {}
    problems: list[AnchorProblem] = []
    if not path.exists():
        return latest, problems
    for number, line in _read(path):
        try:
            signed = json.loads(line)
            mac, key_id = signed.pop("mac"), signed.pop("key_id")
            body = json.dumps(signed, sort_keys=True, separators=(",", ":"))
            anchor = Anchor(
                int(signed["centre"]),
                int(signed["sequence"]),
                str(signed["entry_hash"]),
                str(signed["anchored_at"]),
                number,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            problems.append(AnchorProblem(None, None, f"line {number} is not an anchor"))
            continue
        problem = signing.mac_problem(body, str(key_id), str(mac))
        if problem:
            problems.append(AnchorProblem(anchor.centre_id, None, f"line {number}: {problem}"))
            continue
        latest[anchor.centre_id] = anchor
    return latest, problems


def anchor_problem(anchor: Anchor) -> AnchorProblem | None:
    """Whether the database still holds the anchored head of the centre's record."""
    entry_hash = (
        RecordEntry.objects.filter(centre_id=anchor.centre_id, sequence=anchor.sequence)
        .values_list("entry_hash", flat=True)
        .first()
    )
    if entry_hash is None:
        newest = (
            RecordEntry.objects.filter(centre_id=anchor.centre_id)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        now = f"the record now ends at #{newest}" if newest else "the record is now empty"
        return AnchorProblem(
            anchor.centre_id,
            anchor.sequence,
            f"truncated: the entry anchored at {anchor.anchored_at} is missing ({now}): "
            "the newest entries were deleted",
        )
    if entry_hash != anchor.entry_hash:
        return AnchorProblem(
            anchor.centre_id,
            anchor.sequence,
            f"rewritten: its hash differs from the one anchored at {anchor.anchored_at}",
        )
    return None
