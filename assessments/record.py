"""Checking the tamper-evident record: one chain of hashes per centre."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone

from assessments import signing
from assessments.models import GENESIS_HASH, RecordCheckpoint, RecordEntry


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
    signed_from: int | None = None
    # What this run read: a check from a checkpoint reads only the entries after it (and
    # the rolling window ``swept`` of the older record); a full check reads them all.
    checked: int = 0
    resumed_from: int = 0
    swept: tuple[int, int] | None = None
    swept_to: int = 0


# Streamed as tuples: building a model instance per entry cost more than hashing it.
_ROW = ("pk", *RecordEntry.HASHED_FIELDS, "entry_hash", "mac_key_id", "mac")
_CHUNK = 5000


@dataclass
class _Walk:
    """Where a walk along the chain has got to."""

    centre_id: int
    expected_sequence: int
    expected_prev: str
    signed_from: int | None
    unsigned: int = 0
    checked: int = 0
    first_break: ChainBreak | None = None


def _entry_problem(row: tuple, walk: _Walk) -> str | None:
    """Why the entry (a ``_ROW`` tuple) does not continue the walk, or None if it does."""
    sequence, prev_hash = row[2], row[10]
    entry_hash, mac_key_id, mac = row[11], row[12], row[13]
    if sequence != walk.expected_sequence:
        return (
            f"expected sequence {walk.expected_sequence}: "
            f"entries {walk.expected_sequence}..{sequence - 1} are missing"
        )
    if prev_hash != walk.expected_prev:
        return "its prev_hash does not match the previous entry's hash"
    if hashlib.sha256(RecordEntry.canonical_of(*row[1:11])).hexdigest() != entry_hash:
        return "its contents do not match its hash (edited after it was written)"
    if mac or mac_key_id:
        mac_problem = signing.mac_problem(entry_hash, mac_key_id, mac)
        if mac_problem:
            return f"forged: {mac_problem}"
        if walk.signed_from is None:
            walk.signed_from = sequence
    elif walk.signed_from is not None and sequence > walk.signed_from:
        return f"forged: it is unsigned, but signing began at entry #{walk.signed_from}"
    else:
        walk.unsigned += 1
    return None


def _walk(walk: _Walk, last: int | None = None) -> _Walk:
    """Check the centre's entries from ``walk.expected_sequence`` (up to ``last``) in
    sequence order, streamed in chunks (flat memory), and stop at the first broken one."""
    entries = RecordEntry.objects.filter(
        centre_id=walk.centre_id, sequence__gte=walk.expected_sequence
    )
    if last is not None:
        entries = entries.filter(sequence__lte=last)
    rows = entries.order_by("sequence").values_list(*_ROW)
    for row in rows.iterator(chunk_size=_CHUNK):
        walk.checked += 1
        problem = _entry_problem(row, walk)
        if problem:
            walk.first_break = ChainBreak(walk.centre_id, row[2], row[0], problem)
            return walk
        walk.expected_prev = row[11]
        walk.expected_sequence += 1
    if last is not None and walk.expected_sequence <= last:
        walk.first_break = ChainBreak(
            walk.centre_id,
            walk.expected_sequence,
            None,
            f"entries {walk.expected_sequence}..{last} are missing",
        )
    return walk


def verify_centre(centre_id: int) -> ChainReport:
    """Walk the centre's record in sequence order and stop at the first broken entry.

    Detects a changed field (the hash no longer matches), a deleted or inserted entry (a gap
    in the sequence, or a ``prev_hash`` that is not the previous entry's hash), and a forged
    entry: one whose MAC does not match, so its hash was recomputed (with every later one)
    by someone without the key, or one left unsigned after signing began. Removing entries
    from the very end leaves a shorter valid chain: ``assessments.anchors`` compares the head
    with the anchors kept outside the database to detect that.
    """
    walk = _walk(_Walk(centre_id, 1, GENESIS_HASH, None))
    return ChainReport(
        centre_id,
        walk.checked,
        walk.expected_prev,
        walk.first_break,
        walk.unsigned,
        walk.signed_from,
        checked=walk.checked,
    )


def _checkpoint_problem(checkpoint: RecordCheckpoint) -> str | None:
    """Why the checkpoint cannot be trusted, or None: its own signature, and its entry
    still there with the same hash, the same contents and a valid MAC."""
    mac_problem = signing.mac_problem(
        checkpoint.signed_text(), checkpoint.mac_key_id, checkpoint.mac
    )
    if mac_problem:
        return f"the verification checkpoint is not genuine: {mac_problem}"
    row = (
        RecordEntry.objects.filter(centre_id=checkpoint.centre_id, sequence=checkpoint.sequence)
        .values_list(*_ROW)
        .first()
    )
    if row is None:
        return (
            f"truncated or deleted: the entry verified at {checkpoint.verified_at:%Y-%m-%d %H:%M} "
            "(the checkpoint) is missing"
        )
    if row[11] != checkpoint.entry_hash:
        return "the entry last verified (the checkpoint) has another hash now"
    if hashlib.sha256(RecordEntry.canonical_of(*row[1:11])).hexdigest() != row[11]:
        return "its contents do not match its hash (edited after it was verified)"
    if row[13] or row[12]:
        mac_problem = signing.mac_problem(row[11], row[12], row[13])
        if mac_problem:
            return f"forged: {mac_problem}"
    return None


def _sweep(checkpoint: RecordCheckpoint, size: int) -> tuple[tuple[int, int], ChainBreak | None]:
    """Re-check the next ``size`` entries before the checkpoint, from where the last run's
    window ended (back to #1 after reaching the checkpoint): each one's contents, MAC and
    link to the entry before it."""
    first = checkpoint.swept_to + 1 if checkpoint.swept_to < checkpoint.sequence else 1
    last = min(first + size - 1, checkpoint.sequence)
    if first == 1:
        prev = GENESIS_HASH
    else:
        prev = (
            RecordEntry.objects.filter(centre_id=checkpoint.centre_id, sequence=first - 1)
            .values_list("entry_hash", flat=True)
            .first()
        )
        if prev is None:
            missing = ChainBreak(checkpoint.centre_id, first - 1, None, "the entry is missing")
            return (first, last), missing
    walk = _walk(_Walk(checkpoint.centre_id, first, prev, checkpoint.signed_from), last)
    return (first, last), walk.first_break


def verify_centre_since_checkpoint(centre_id: int, *, sweep: int = 0) -> ChainReport:
    """Check the centre's record from its stored checkpoint: the checkpoint's signature and
    its own entry, then every entry appended since, then a window of ``sweep`` older entries
    (``_sweep``). Without a checkpoint, the whole chain (``verify_centre``)."""
    checkpoint = RecordCheckpoint.objects.filter(centre_id=centre_id).first()
    if checkpoint is None:
        return verify_centre(centre_id)
    problem = _checkpoint_problem(checkpoint)
    if problem:
        broken = ChainBreak(centre_id, checkpoint.sequence, None, problem)
        return ChainReport(centre_id, checkpoint.sequence, checkpoint.entry_hash, broken)
    swept, swept_to = None, checkpoint.swept_to
    if sweep > 0:
        swept, sweep_break = _sweep(checkpoint, sweep)
        if sweep_break:
            return ChainReport(
                centre_id, checkpoint.sequence, checkpoint.entry_hash, sweep_break, swept=swept
            )
        swept_to = swept[1]
    walk = _walk(
        _Walk(
            centre_id,
            checkpoint.sequence + 1,
            checkpoint.entry_hash,
            checkpoint.signed_from,
            checkpoint.unsigned,
        )
    )
    return ChainReport(
        centre_id,
        walk.expected_sequence - 1,
        walk.expected_prev,
        walk.first_break,
        walk.unsigned,
        walk.signed_from,
        checked=walk.checked + 1,
        resumed_from=checkpoint.sequence,
        swept=swept,
        swept_to=swept_to,
    )


def checkpoint_save(report: ChainReport) -> None:
    """Store the head a check found intact as the centre's checkpoint, signed."""
    if report.first_break is not None or not report.entries:
        return
    checkpoint = RecordCheckpoint.objects.filter(centre_id=report.centre_id).first()
    checkpoint = checkpoint or RecordCheckpoint(centre_id=report.centre_id)
    checkpoint.sequence = report.entries
    checkpoint.entry_hash = report.head_hash
    checkpoint.unsigned = report.unsigned
    checkpoint.signed_from = report.signed_from
    checkpoint.swept_to = report.swept_to
    checkpoint.verified_at = timezone.now()
    checkpoint.mac_key_id = signing.current_key_id()
    checkpoint.mac = signing.mac_for(checkpoint.signed_text(), checkpoint.mac_key_id)
    checkpoint.save()


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
    "prior_learning": "recognition of prior learning",
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


_QA_ACTIONS = {
    Action.QA_PLAN_SIGNED,
    Action.QA_SAMPLED,
    Action.QA_ACTION_RAISED,
    Action.QA_ACTION_ANSWERED,
    Action.QA_ACTION_CLOSED,
    Action.QA_ACTION_RETURNED,
}
_RISKS = {"low": "low", "medium": "medium", "high": "high"}
_SAMPLE_KINDS = {"interim": "an interim", "summative": "a summative"}


def _quality(action: str, payload: dict[str, Any]) -> str:
    """An internal quality assurance decision (``quality.services``) in words."""
    if action == Action.QA_PLAN_SIGNED:
        version = _text(payload, "version")
        plan = f"version {version} of the sampling plan" if version else "a sampling plan"
        assessor = _text(payload, "assessor")
        standard = _text(payload, "standard")
        risk = _RISKS.get(_text(payload, "risk"), "")
        rate = _text(payload, "rate")
        text = f"signed {plan}" + (f" for {assessor}" if assessor else "")
        text += f" on {standard}" if standard else ""
        if risk:
            text += f" ({risk} risk" + (f", sampling {rate}% of units)" if rate else ")")
        return text
    if action == Action.QA_SAMPLED:
        kind = _SAMPLE_KINDS.get(_text(payload, "kind"), "a")
        verdict = "agreed" if _text(payload, "outcome") == "agreed" else "referred back"
        count = payload.get("decisions")
        text = f"sampled the unit ({kind} sample"
        if isinstance(count, int) and not isinstance(count, bool):
            text += f" of {count} decision{'' if count == 1 else 's'}"
        text += f") and {verdict}"
        criteria = payload.get("criteria")
        if isinstance(criteria, list) and criteria:
            text += " " + ", ".join(str(c) for c in criteria)
        return _with(text, _text(payload, "feedback"))
    if action == Action.QA_ACTION_RAISED:
        due = _text(payload, "due_on")
        return _with("raised an action" + (f" due by {due}" if due else ""), _text(payload, "text"))
    if action == Action.QA_ACTION_ANSWERED:
        return _with("answered the IQA's action", _text(payload, "response"))
    if action == Action.QA_ACTION_CLOSED:
        return _with("closed the action", _text(payload, "note"))
    return _with("sent the action back", _text(payload, "note"))


#: Standardisation and observations of practice (``portal.staff``).
STAFF_ACTIONS = (
    Action.STANDARDISATION_RECORDED,
    Action.STANDARDISATION_ACTION_SET,
    Action.STANDARDISATION_ACTION_CLOSED,
    Action.OBSERVATION_RECORDED,
    Action.OBSERVATION_ACKNOWLEDGED,
)
# ``portal.staff.models.Observation.Outcome``, in the record's own words (it may not import it).
_OBSERVED = {
    "meets": "meets the standard",
    "development": "meets the standard, with development points",
    "not_met": "does not meet the standard yet",
}


def _names(payload: dict[str, Any], key: str) -> str:
    values = payload.get(key)
    if not isinstance(values, list):
        return ""
    return ", ".join(str(v) for v in values if isinstance(v, str | int) and str(v).strip())


def _staff(action: str, payload: dict[str, Any]) -> str:
    """Standardisation and observation of practice (``portal.staff.services``) in words."""
    if action == Action.STANDARDISATION_RECORDED:
        title = _text(payload, "title")
        held = _text(payload, "held_on")
        text = "recorded the standardisation activity" + (f" “{title}”" if title else "")
        text += f" held on {held}" if held else ""
        people = _names(payload, "participants")
        text += f" with {people}" if people else ""
        if payload.get("discussed_entry"):
            text += f", discussing decision #{payload['discussed_entry']}"
        elif payload.get("evidence_item"):
            text += ", discussing an evidence item"
        return text
    if action in (Action.STANDARDISATION_ACTION_SET, Action.STANDARDISATION_ACTION_CLOSED):
        owner = _text(payload, "owner")
        due = _text(payload, "due_on")
        verb = "set" if action == Action.STANDARDISATION_ACTION_SET else "closed"
        text = f"{verb} a standardisation action" + (f" for {owner}" if owner else "")
        return text + (f" due by {due}" if due else "")
    observed = _text(payload, "observed_on")
    if action == Action.OBSERVATION_RECORDED:
        assessor = _text(payload, "assessor")
        text = "observed " + (f"{assessor}’s practice" if assessor else "an assessor’s practice")
        text += f" on {observed}" if observed else ""
        standard = _text(payload, "standard")
        text += f" ({standard})" if standard else ""
        outcome = _OBSERVED.get(_text(payload, "outcome"), "")
        return text + (f": {outcome}" if outcome else "")
    return "acknowledged the observation of their practice" + (
        f" on {observed}" if observed else ""
    )


#: The steps of an EQA visit (``portal.visits``).
VISIT_ACTIONS = (
    Action.EQA_VISIT_PLANNED,
    Action.EQA_SAMPLE_ADDED,
    Action.EQA_SAMPLE_REMOVED,
    Action.EQA_REPORT_ISSUED,
    Action.EQA_REPORT_REVISED,
    Action.EQA_ACTION_RESPONDED,
    Action.EQA_ACTION_CLOSED,
    Action.EQA_ACTION_ASKED_AGAIN,
)
_VISIT_KINDS = {"remote": "a remote", "on_site": "an on-site"}
# ``portal.visits.models.VisitReport.Outcome``, in the record's own words.
_VISIT_OUTCOMES = {
    "none": "no sanctions",
    "advisory": "advisory, no sanction",
    "action_plan": "sanction 1, an action plan",
    "certification_blocked": "sanction 2, certification rights withheld",
    "registration_suspended": "sanction 3, registration and certification suspended",
}


def _visit(action: str, payload: dict[str, Any]) -> str:
    """An external quality assurance visit's step (``portal.visits.services``) in words."""
    when = _text(payload, "visit_on")
    visit = f"the EQA visit of {when}" if when else "an EQA visit"
    version = _text(payload, "version")
    report = f"version {version} of the report of {visit}" if version else f"a report of {visit}"
    due = _text(payload, "due_on")
    an_action = "the action" + (f" due by {due}" if due else "") + f" from {visit}"
    if action == Action.EQA_VISIT_PLANNED:
        text = f"planned {_VISIT_KINDS.get(_text(payload, 'kind'), 'an')} EQA visit"
        text += f" for {when}" if when else ""
        standards = _names(payload, "standards")
        return text + (f" ({standards})" if standards else " (every standard assessed)")
    if action == Action.EQA_SAMPLE_ADDED:
        text = f"added the unit to the sample of {visit}"
        return text + (" (as suggested)" if payload.get("suggested") is True else "")
    if action == Action.EQA_SAMPLE_REMOVED:
        return f"removed the unit from the sample of {visit}"
    if action == Action.EQA_REPORT_ISSUED:
        outcome = _VISIT_OUTCOMES.get(_text(payload, "outcome"), "")
        text = f"issued {report}" + (f": {outcome}" if outcome else "")
        actions = payload.get("actions")
        if isinstance(actions, list) and actions:
            text += f", with {len(actions)} action{'' if len(actions) == 1 else 's'}"
        return text
    if action == Action.EQA_REPORT_REVISED:
        return f"started {report}"
    if action == Action.EQA_ACTION_RESPONDED:
        return f"responded to {an_action}"
    if action == Action.EQA_ACTION_CLOSED:
        return f"accepted the response and closed {an_action}"
    return f"asked the centre again about {an_action}"


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
    elif action in _QA_ACTIONS:
        text = _quality(action, payload)
    elif action in STAFF_ACTIONS:
        text = _staff(action, payload)
    elif action in VISIT_ACTIONS:
        text = _visit(action, payload)
    else:
        label = dict(Action.choices).get(action, action or "an entry")
        text = f"recorded: {label}"
    return f"{who} {text}"
