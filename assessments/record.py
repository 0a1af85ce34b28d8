"""Checking the tamper-evident record: one chain of hashes per centre."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import GENESIS_HASH, RecordEntry


@dataclass(frozen=True)
class ChainBreak:
    centre_id: int
    sequence: int
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.sequence}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"Centre {self.centre_id}: {where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    centre_id: int
    entries: int
    head_hash: str
    first_break: ChainBreak | None


def verify_centre(centre_id: int) -> ChainReport:
    """Walk the centre's record in sequence order and stop at the first broken entry.

    Detects a changed field (the hash no longer matches), a deleted or inserted entry (a gap
    in the sequence, or a ``prev_hash`` that is not the previous entry's hash). Removing
    entries from the very end leaves a shorter valid chain: compare ``head_hash`` with a
    copy kept elsewhere to detect that.
    """
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    count = 0
    entries = RecordEntry.objects.filter(centre_id=centre_id).order_by("sequence")
    for entry in entries.iterator(chunk_size=500):
        count += 1
        problem = None
        if entry.sequence != expected_sequence:
            problem = (
                f"expected sequence {expected_sequence}: "
                f"entries {expected_sequence}..{entry.sequence - 1} are missing"
            )
        elif entry.prev_hash != expected_prev:
            problem = "its prev_hash does not match the previous entry's hash"
        elif entry.compute_hash() != entry.entry_hash:
            problem = "its contents do not match its hash (edited after it was written)"
        if problem:
            return ChainReport(
                centre_id,
                count,
                expected_prev,
                ChainBreak(centre_id, entry.sequence, entry.pk, problem),
            )
        expected_prev = entry.entry_hash
        expected_sequence += 1
    return ChainReport(centre_id, count, expected_prev, None)


def centres_with_records() -> list[int]:
    return sorted(set(RecordEntry.objects.values_list("centre_id", flat=True).distinct()))
