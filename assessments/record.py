"""Checking the tamper-evident record: one chain of hashes per centre."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps

from assessments import signing
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
    # Entries written before signing began (no MAC); all of them come before the first
    # signed entry, or the first unsigned one after it is the break.
    unsigned: int = 0


def verify_centre(centre_id: int) -> ChainReport:
    """Walk the centre's record in sequence order and stop at the first broken entry.

    Detects a changed field (the hash no longer matches), a deleted or inserted entry (a gap
    in the sequence, or a ``prev_hash`` that is not the previous entry's hash), and a forged
    entry: one whose MAC does not match, so its hash was recomputed (with every later one)
    by someone without the key, or one left unsigned after signing began. Removing entries
    from the very end leaves a shorter valid chain: ``assessments.anchors`` compares the head
    with the anchors kept outside the database to detect that.
    """
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    count = 0
    unsigned = 0
    signed_from: int | None = None
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
        elif entry.mac or entry.mac_key_id:
            mac_problem = signing.mac_problem(entry.entry_hash, entry.mac_key_id, entry.mac)
            if mac_problem:
                problem = f"forged: {mac_problem}"
            elif signed_from is None:
                signed_from = entry.sequence
        elif signed_from is not None:
            problem = f"forged: it is unsigned, but signing began at entry #{signed_from}"
        else:
            unsigned += 1
        if problem:
            return ChainReport(
                centre_id,
                count,
                expected_prev,
                ChainBreak(centre_id, entry.sequence, entry.pk, problem),
                unsigned,
            )
        expected_prev = entry.entry_hash
        expected_sequence += 1
    return ChainReport(centre_id, count, expected_prev, None, unsigned)


@dataclass(frozen=True)
class RecordHead:
    """The latest entry of a centre's record: what a later check of the chain must reach."""

    sequence: int
    entry_hash: str


def record_head(centre_id: int) -> RecordHead:
    """The centre's latest entry (sequence 0 and the genesis hash for an empty record).

    Only the newest entry is read, not checked: ``verify_centre`` walks the whole chain."""
    last = (
        RecordEntry.objects.filter(centre_id=centre_id)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )
    return RecordHead(*last) if last else RecordHead(0, GENESIS_HASH)


def verify_span(centre_id: int, *, first: int, head: RecordHead) -> ChainBreak | None:
    """Check the centre's chain from entry ``first`` up to a head kept elsewhere (printed in
    a PDF, stored with an export): every entry in between is present, hashes to its own
    ``entry_hash`` and names the one before it, and the entry at the head's sequence still
    has the head's hash. A head that still matches pins every entry before it, so this
    proves entries ``first``..head unchanged without walking the whole record."""
    expected_sequence = max(first, 1)
    expected_prev: str | None = None
    entries = RecordEntry.objects.filter(
        centre_id=centre_id, sequence__gte=expected_sequence, sequence__lte=head.sequence
    ).order_by("sequence")
    for entry in entries.iterator(chunk_size=500):
        problem = None
        if entry.sequence != expected_sequence:
            problem = f"entries {expected_sequence}..{entry.sequence - 1} are missing"
        elif expected_prev is not None and entry.prev_hash != expected_prev:
            problem = "its prev_hash does not match the previous entry's hash"
        elif entry.compute_hash() != entry.entry_hash:
            problem = "its contents do not match its hash (edited after it was written)"
        if problem:
            return ChainBreak(centre_id, entry.sequence, entry.pk, problem)
        expected_prev = entry.entry_hash
        expected_sequence += 1
    if expected_sequence <= head.sequence:
        return ChainBreak(centre_id, head.sequence, None, "the entry is missing")
    if head.sequence and expected_prev is not None and expected_prev != head.entry_hash:
        return ChainBreak(centre_id, head.sequence, None, "its hash differs from the head's")
    return None


def centres_with_records() -> list[int]:
    return sorted(set(RecordEntry.objects.values_list("centre_id", flat=True).distinct()))


# --- The record in words --------------------------------------------------------------------

Action = RecordEntry.Action

# What an IQA sampled, by the sampled entry's action: "(judgement on P3)".
_SAMPLED = {
    Action.EVIDENCE_ACCEPTED: "acceptance of {reference}",
    Action.EVIDENCE_REFERRED: "referral of {reference}",
    Action.JUDGEMENT: "judgement on {criterion}",
    Action.SIGNED_OFF: "the unit's sign-off",
}


# The kinds of evidence an assessor records (``review.assessor_evidence``).
_RECORDED_KINDS = {
    "observation": "observation",
    "discussion": "professional discussion",
    "qa": "questioning",
}


def _text(payload: dict[str, Any], key: str) -> str:
    """A payload value as plain text ("" when missing or empty)."""
    value = payload.get(key)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _with(text: str, detail: str) -> str:
    """The decision, then the user's own words (feedback, rationale, reason) in quotes, so a
    title or a sentence with a colon of its own never reads as part of the decision."""
    return f"{text}: “{detail}”" if detail else text


def _item(payload: dict[str, Any], *, title: bool = True) -> str:
    words = [_text(payload, "reference")] + ([_text(payload, "title")] if title else [])
    return " ".join(w for w in words if w) or "an evidence item"


def _mapping(payload: dict[str, Any], enrolment_id: int | None) -> str:
    item = _item(payload, title=False)
    other = payload.get("item_enrolment")
    if other is not None and enrolment_id is not None and other != enrolment_id:
        item += " (evidence of the learner's other unit)"
    criterion = _text(payload, "criterion") or "a criterion"
    return f"{item} to {criterion}"


def _method(payload: dict[str, Any]) -> str:
    return _text(payload, "method").replace("_", " ")


def _model_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label.rpartition(".")[2] or "an object"


def _admin_change(payload: dict[str, Any]) -> str:
    change = _text(payload, "change") or "changed"
    what = _model_name(_text(payload, "model"))
    name = _text(payload, "object")
    text = f"{change} {what}" + (f" “{name}”" if name else "") + " in the admin site"
    fields = payload.get("fields")
    if isinstance(fields, dict):
        names = [str(n) for n in fields]
    elif isinstance(fields, list):
        names = [str(f.get("field", "")) if isinstance(f, dict) else str(f) for f in fields]
    else:
        names = []
    names = [n for n in names if n]
    return text + (f" ({', '.join(names)})" if names else "")


def describe_entry(entry: RecordEntry) -> str:
    """One recorded decision in words, as plain text: "Asha Assessor judged P3 met: …".

    Reads only the entry itself (no queries, except a model's name for admin changes), so a
    page or a PDF can describe hundreds of entries. Payloads are taken as they come: a key
    missing from an old or odd entry leaves a word out, never raises. The payload's texts are
    the users' own; callers escape them as for any text.
    """
    payload = entry.payload if isinstance(entry.payload, dict) else {}
    who = (entry.actor_name or "").strip() or "Someone"
    feedback = _text(payload, "feedback")
    reason = _text(payload, "reason")
    action = entry.action
    if action == Action.JUDGEMENT:
        criterion = _text(payload, "criterion") or "a criterion"
        verdict = {True: "met", False: "not met"}.get(payload.get("met"), "")
        text = _with(f"judged {criterion} {verdict}".rstrip(), _text(payload, "rationale"))
    elif action == Action.EVIDENCE_ACCEPTED:
        text = _with(f"accepted {_item(payload)}", feedback)
    elif action == Action.EVIDENCE_REFERRED:
        text = _with(f"referred {_item(payload)} back", feedback)
    elif action == Action.MAPPING_ADDED:
        method = _method(payload)
        text = f"mapped {_mapping(payload, entry.enrolment_id)}" + (
            f" ({method})" if method else ""
        )
    elif action == Action.MAPPING_CONFIRMED:
        text = f"confirmed the learner's mapping of {_mapping(payload, entry.enrolment_id)}"
    elif action == Action.MAPPING_CHANGED:
        method = _method(payload)
        text = f"changed the method of {_mapping(payload, entry.enrolment_id)}" + (
            f" to {method}" if method else ""
        )
    elif action == Action.MAPPING_REMOVED:
        text = f"removed the mapping of {_mapping(payload, entry.enrolment_id)}"
    elif action == Action.SIGNED_OFF:
        text = "signed the unit off"
    elif action == Action.COUNTERSIGNED:
        text = "countersigned the unit"
    elif action in (Action.IQA_AGREED, Action.IQA_REFERRED):
        sampled = (
            f"decision #{payload['sampled_entry']}"
            if payload.get("sampled_entry")
            else "a decision"
        )
        what = _SAMPLED.get(_text(payload, "sampled_action"), "")
        what = what.format(
            reference=_text(payload, "reference") or "an evidence item",
            criterion=_text(payload, "criterion") or "a criterion",
        )
        sampled += f" ({what})" if what else ""
        if action == Action.IQA_AGREED:
            text = _with(f"agreed with {sampled}", feedback)
        else:
            text = _with(f"referred {sampled} back", feedback)
    elif action == Action.REOPEN_REQUESTED:
        criterion = _text(payload, "criterion")
        text = _with(
            "asked for the unit to be reopened"
            + (f" to look again at {criterion}" if criterion else ""),
            reason,
        )
    elif action == Action.REOPENED:
        text = _with("reopened the unit", reason)
    elif action == Action.ADMIN_CHANGE:
        text = _admin_change(payload)
    elif action in (Action.PLAN_DRAFTED, Action.PLAN_SIGNED):
        version = _text(payload, "version")
        plan = f"version {version} of the assessment plan" if version else "the assessment plan"
        if action == Action.PLAN_DRAFTED:
            count = payload.get("activities")
            if isinstance(count, int) and not isinstance(count, bool):
                plan += f" ({count} activit{'y' if count == 1 else 'ies'})"
            text = _with(f"drafted {plan}", reason)
        else:
            role = {"assessor": "the assessor", "learner": "the learner"}.get(
                _text(payload, "signed_as"), ""
            )
            text = f"signed {plan}" + (f" as {role}" if role else "")
    elif action == Action.LEARNER_ERASED:
        text = _with("erased the learner's personal data", reason)
    elif action == Action.EVIDENCE_RECORDED:
        kind = _RECORDED_KINDS.get(_text(payload, "kind"), "")
        text = f"recorded {_item(payload)}" + (f" ({kind})" if kind else "")
    elif action == Action.EVIDENCE_ACKNOWLEDGED:
        name = _text(payload, "acknowledgement_name")
        text = f"acknowledged the assessor's record {_item(payload)}" + (
            f", signing “{name}”" if name else ""
        )
    else:
        label = dict(Action.choices).get(action, action or "an entry")
        text = f"recorded: {label}"
    return f"{who} {text}"
