"""Reading an item's kept versions: what each said, its files, and what changed since.

Whether an item was assessed is ``EvidenceItem.was_assessed`` (one rule); the versions are
written by ``evidence.services`` (``evidence_version_assessed`` on every assessor's decision,
a new version on the learner's first change after one). A decision's record entry names the
version it was about in its payload; an entry made before versions were kept is about
version 1 (``decision_version``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessments.models import RecordEntry
from evidence.models import EvidenceFile, EvidenceItem, EvidenceVersion

DECISIONS = (
    RecordEntry.Action.EVIDENCE_ACCEPTED,
    RecordEntry.Action.EVIDENCE_REFERRED,
    RecordEntry.Action.EVIDENCE_ACKNOWLEDGED,
)
COMPARED = (
    ("title", "Title"),
    ("occurred_on", "Date"),
    ("evidence_type", "Type"),
    ("description", "Description"),
    ("witness_name", "Witness's name"),
    ("witness_role", "Witness's role"),
    ("witness_relationship", "Witness's relationship"),
    ("witness_contact", "Witness's contact"),
    ("witness_statement", "Witness statement"),
)


def decision_version(payload: Any) -> int:
    """The version a record entry's decision was about."""
    if isinstance(payload, dict) and isinstance(payload.get("version"), int):
        return payload["version"]
    return 1


@dataclass
class Version:
    """One version of an item as shown: the kept snapshot (or the item for the current,
    not yet assessed version) with its files and the decisions about it."""

    number: int
    content: EvidenceVersion | EvidenceItem
    files: list[EvidenceFile]
    is_current: bool
    is_assessed: bool
    decisions: list[RecordEntry] = field(default_factory=list)

    @property
    def criteria(self) -> list[dict[str, Any]]:
        if isinstance(self.content, EvidenceVersion):
            return self.content.criteria
        return []


def item_versions(item: EvidenceItem, *, with_decisions: bool = True) -> list[Version]:
    """The item's versions, oldest first, in three queries: the kept ones, every file of
    any version, and (``with_decisions``) the decisions of the record about the item."""
    kept = {v.number: v for v in EvidenceVersion.objects.filter(item=item).order_by("number")}
    files = list(EvidenceFile.all_versions.filter(item=item).order_by("uploaded_at", "pk"))
    decisions: dict[int, list[RecordEntry]] = {}
    if with_decisions and kept:
        entries = (
            RecordEntry.objects.filter(payload__item=item.pk, action__in=DECISIONS)
            .filter(enrolment__learner_id=item.learner_id)
            .order_by("recorded_at", "pk")
        )
        for entry in entries:
            decisions.setdefault(decision_version(entry.payload), []).append(entry)
    numbers = sorted(set(kept) | {item.version})
    return [
        Version(
            number=number,
            content=kept.get(number, item),
            files=[f for f in files if f.in_version(number)],
            is_current=number == item.version,
            is_assessed=number in kept,
            decisions=decisions.get(number, []),
        )
        for number in numbers
    ]


def assessed_version(item: EvidenceItem) -> EvidenceVersion | None:
    """The latest version an assessor assessed, as kept, or None."""
    number = item.assessed_version_number
    if number is None:
        return None
    return EvidenceVersion.objects.filter(item=item, number=number).first()


def changes_since(item: EvidenceItem, version: EvidenceVersion) -> list[str]:
    """What the learner changed since ``version`` (the assessed one), in words: fields,
    files added and removed, criteria proposed and dropped. Two queries."""
    changes = [
        f"{label} changed"
        for name, label in COMPARED
        if getattr(item, name) != getattr(version, name)
    ]
    files = list(EvidenceFile.all_versions.filter(item=item))
    before = {f.pk for f in files if f.in_version(version.number)}
    now = {f.pk for f in files if f.removed_in_version is None}
    names = {f.pk: f.original_name for f in files}
    changes += [f"File added: {names[pk]}" for pk in sorted(now - before)]
    changes += [f"File removed: {names[pk]}" for pk in sorted(before - now)]
    then = {c["id"]: c["reference"] for c in version.criteria}
    current = dict(item.mappings.values_list("criterion_id", "criterion__reference"))
    changes += [f"Criterion added: {current[pk]}" for pk in sorted(set(current) - set(then))]
    changes += [f"Criterion dropped: {then[pk]}" for pk in sorted(set(then) - set(current))]
    return changes
