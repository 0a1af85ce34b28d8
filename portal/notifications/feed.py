"""The notification feed: reads the events that are new since its cursors and turns each into
notifications for the people it concerns.

Where the events come from:

* the decision record (``assessments.RecordEntry``), read per centre in sequence order past
  ``RecordCursor``. Entries are appended under a lock on the centre row, so sequence order is
  commit order: nothing committed can sit behind the cursor. Evidence accepted or referred
  back and a unit signed off (waiting for the countersignature) go to the learner; an IQA
  referral to the assessor whose decision it was (and the learner's current assessor, if
  someone else); a reopen request to the centre's admins; an assessor's record (observation,
  discussion, questioning) to the learner, who must acknowledge it (not a prior-learning item,
  which the assessor accepts at once, nor one with a quarantined file, which the learner cannot
  acknowledge: the scan emails its assessor instead); an IQA action raised or sent back to
  the assessor who owns it (``QaAction.assessor``), answered to the IQA who raised it, closed
  to the assessor;
* evidence submissions (``EvidenceItem.submitted_at``), which the learner makes without a
  record entry, read past ``SubmissionCursor`` with a window of ``SUBMISSION_OVERLAP`` before
  it (a submission's time is taken before its transaction commits); ``Notification.event_key``
  makes reading one twice harmless. They go to the enrolment's assessor.

Only people of the event's own centre, in the role the event concerns, and never the person
who acted, are told. ``notifications_collect`` runs in the background (``manage.py
collect_notifications`` from the scheduler, every minute); it never sends email itself but
queues the worker's task for those who want an email per event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from assessments.models import RecordEntry
from assessments.record import describe_entry
from evidence.models import EvidenceFile, EvidenceItem
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.notifications.models import Notification, RecordCursor, SubmissionCursor
from quality.models import QaAction

Action = RecordEntry.Action
Kind = Notification.Kind

SUBMISSION_OVERLAP = datetime.timedelta(minutes=10)
TEXT_LIMIT = 500
RECORD_ACTIONS = (
    Action.EVIDENCE_ACCEPTED,
    Action.EVIDENCE_REFERRED,
    Action.SIGNED_OFF,
    Action.IQA_REFERRED,
    Action.REOPEN_REQUESTED,
    Action.EVIDENCE_RECORDED,
    Action.EVIDENCE_ACKNOWLEDGED,  # tells no one: an acknowledged record is no longer waiting
    Action.QA_ACTION_RAISED,
    Action.QA_ACTION_ANSWERED,
    Action.QA_ACTION_RETURNED,
    Action.QA_ACTION_CLOSED,
)
QA_ACTION_KINDS = {
    Action.QA_ACTION_RAISED: Kind.QA_ACTION_RAISED,
    Action.QA_ACTION_ANSWERED: Kind.QA_ACTION_ANSWERED,
    Action.QA_ACTION_RETURNED: Kind.QA_ACTION_RETURNED,
    Action.QA_ACTION_CLOSED: Kind.QA_ACTION_CLOSED,
}


def notifications_collect(*, now: datetime.datetime | None = None) -> int:
    """Read every centre's new record entries and the new submissions; return how many
    notifications were created. Safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    created = 0
    heads = Centre.objects.annotate(head=Max("record_entries__sequence")).filter(head__gt=0)
    read_to = dict(RecordCursor.objects.values_list("centre_id", "sequence"))
    for centre_id, head in heads.values_list("pk", "head"):
        if head > read_to.get(centre_id, 0):
            created += _collect_record(centre_id, head)
    created += _collect_submissions(now)
    if created:
        from portal.notifications.tasks import send_each_event_emails

        transaction.on_commit(send_each_event_emails.enqueue)
    return created


@transaction.atomic
def _collect_record(centre_id: int, head: int) -> int:
    cursor, _ = RecordCursor.objects.select_for_update().get_or_create(centre_id=centre_id)
    if cursor.sequence >= head:
        return 0
    entries = list(
        RecordEntry.objects.filter(
            centre_id=centre_id,
            sequence__gt=cursor.sequence,
            sequence__lte=head,
            action__in=RECORD_ACTIONS,
            enrolment__isnull=False,
        )
        .select_related("enrolment__standard", "enrolment__learner")
        .order_by("sequence")
    )
    sampled = _sampled_actors(centre_id, entries)
    actions = _qa_actions(entries)
    acknowledged = _acknowledged_items(entries) | _quarantined_items(entries)
    people = _people(centre_id, entries, sampled, actions)
    admins = [u for u in people.values() if u.is_centre_admin]
    rows: list[Notification] = []
    for entry in entries:
        recipients = _record_recipients(entry, people, admins, sampled, actions, acknowledged)
        for user, kind, link in recipients:
            if user.pk == entry.actor_id:
                continue
            rows.append(
                Notification(
                    recipient=user,
                    centre_id=centre_id,
                    enrolment_id=entry.enrolment_id,
                    kind=kind,
                    text=_record_text(entry, kind, actions),
                    link=link,
                    occurred_at=entry.recorded_at,
                    event_key=f"record:{entry.pk}",
                )
            )
    created = _save(rows)
    cursor.sequence = head
    cursor.save(update_fields=["sequence"])
    return created


def _sampled_actors(centre_id: int, entries: list[RecordEntry]) -> dict[int, int]:
    """The maker of each decision an IQA referred back, by the referral's entry id."""
    wanted = {
        entry.pk: entry.payload.get("sampled_entry")
        for entry in entries
        if entry.action == Action.IQA_REFERRED and isinstance(entry.payload, dict)
    }
    sequences = {s for s in wanted.values() if isinstance(s, int)}
    if not sequences:
        return {}
    actors = dict(
        RecordEntry.objects.filter(centre_id=centre_id, sequence__in=sequences).values_list(
            "sequence", "actor_id"
        )
    )
    return {pk: actors[s] for pk, s in wanted.items() if s in actors}


def _payload(entry: RecordEntry) -> dict:
    return entry.payload if isinstance(entry.payload, dict) else {}


def _qa_actions(entries: list[RecordEntry]) -> dict[int, QaAction]:
    """The IQA actions the entries are about, by id: one query for them all (none without)."""
    ids = {_payload(entry).get("qa_action") for entry in entries if entry.action in QA_ACTION_KINDS}
    ids = {pk for pk in ids if isinstance(pk, int)}
    if not ids:
        return {}
    rows = QaAction.objects.filter(pk__in=ids).only(
        "pk", "sample_id", "assessor_id", "raised_by_id", "text", "due_on"
    )
    return {action.pk: action for action in rows}


def _acknowledged_items(entries: list[RecordEntry]) -> set[int]:
    """Items whose acknowledgement is among the entries read: no longer waiting for it."""
    return {
        _payload(entry).get("item")
        for entry in entries
        if entry.action == Action.EVIDENCE_ACKNOWLEDGED
    } - {None}


def _quarantined_items(entries: list[RecordEntry]) -> set[int]:
    """Recorded items with a file the malware scan has quarantined: the learner cannot
    acknowledge them (``evidence.services.scan_refusal``), so is not asked to; the assessor
    who made the item is emailed by the scan itself (``evidence_file_scan``). One query,
    none without a recorded item among the entries."""
    ids = {
        _payload(entry).get("item") for entry in entries if entry.action == Action.EVIDENCE_RECORDED
    }
    ids = {pk for pk in ids if isinstance(pk, int)}
    if not ids:
        return set()
    return set(
        EvidenceFile.objects.filter(
            item_id__in=ids, scan_status=EvidenceFile.ScanStatus.INFECTED
        ).values_list("item_id", flat=True)
    )


def _awaits_acknowledgement(payload: dict) -> bool:
    """Whether a recorded item was put forward for the learner's acknowledgement. A
    prior-learning item (``portal.transfer.recognition``) is put up for the assessor's own
    acceptance instead, and accepted at once: the learner has nothing to do."""
    status = payload.get("status")
    if status is not None:
        return status == EvidenceItem.Status.AWAITING_ACK
    return payload.get("kind") != EvidenceItem.Type.PRIOR_LEARNING


def _people(
    centre_id: int,
    entries: list[RecordEntry],
    sampled: dict[int, int],
    actions: dict[int, QaAction],
) -> dict:
    """The centre's active people the entries may concern, by id: one query."""
    ids: set[int] = set(sampled.values())
    for action in actions.values():
        ids.update((action.assessor_id, action.raised_by_id))
    for entry in entries:
        ids.add(entry.enrolment.learner_id)
        if entry.enrolment.assessor_id:
            ids.add(entry.enrolment.assessor_id)
    admins_wanted = any(e.action == Action.REOPEN_REQUESTED for e in entries)
    condition = Q(pk__in=ids) | Q(is_centre_admin=True) if admins_wanted else Q(pk__in=ids)
    users = User.objects.filter(condition, centre_id=centre_id, is_active=True)
    return {user.pk: user for user in users}


def _record_recipients(
    entry: RecordEntry,
    people: dict[int, User],
    admins: list[User],
    sampled: dict[int, int],
    actions: dict[int, QaAction],
    acknowledged: set[int],
) -> Iterable[tuple[User, str, str]]:
    enrolment = entry.enrolment
    payload = _payload(entry)
    learner = people.get(enrolment.learner_id)
    learner = learner if learner is not None and learner.is_learner else None
    if entry.action in (Action.EVIDENCE_ACCEPTED, Action.EVIDENCE_REFERRED) and learner:
        kind = (
            Kind.EVIDENCE_ACCEPTED
            if entry.action == Action.EVIDENCE_ACCEPTED
            else Kind.EVIDENCE_REFERRED
        )
        item = payload.get("item")
        link = (
            reverse("evidence:detail", kwargs={"pk": item})
            if isinstance(item, int)
            else reverse("evidence:list")
        )
        yield learner, kind, link
    elif entry.action == Action.SIGNED_OFF and learner:
        yield learner, Kind.COUNTERSIGN_NEEDED, reverse("review:countersign", args=[enrolment.pk])
    elif entry.action == Action.IQA_REFERRED:
        link = reverse("review:grid", args=[enrolment.pk])
        told: set[int] = set()
        for user_id in (sampled.get(entry.pk), enrolment.assessor_id):
            user = people.get(user_id) if user_id else None
            if user is not None and user.is_assessor and user.pk not in told:
                told.add(user.pk)
                yield user, Kind.IQA_REFERRED, link
    elif entry.action == Action.REOPEN_REQUESTED:
        link = reverse("review:reopen", args=[enrolment.pk])
        for admin in admins:
            yield admin, Kind.REOPEN_REQUESTED, link
    elif entry.action == Action.EVIDENCE_RECORDED and learner:
        item = payload.get("item")
        if isinstance(item, int) and item not in acknowledged and _awaits_acknowledgement(payload):
            yield learner, Kind.ACKNOWLEDGEMENT_NEEDED, reverse("evidence:acknowledge", args=[item])
    elif entry.action in QA_ACTION_KINDS:
        action = actions.get(payload.get("qa_action"))
        if action is None:
            return
        link = reverse("quality:sample", args=[action.sample_id]) + f"#action-{action.pk}"
        if entry.action == Action.QA_ACTION_ANSWERED:
            iqa = people.get(action.raised_by_id)
            if iqa is not None and iqa.is_iqa:
                yield iqa, Kind.QA_ACTION_ANSWERED, link
        else:
            assessor = people.get(action.assessor_id)
            if assessor is not None and assessor.is_assessor:
                yield assessor, QA_ACTION_KINDS[entry.action], link


def _record_text(entry: RecordEntry, kind: str, actions: dict[int, QaAction]) -> str:
    enrolment = entry.enrolment
    standard = enrolment.standard.display_name
    if kind == Kind.COUNTERSIGN_NEEDED:
        text = (
            f"{entry.actor_name} signed off your unit {standard}: "
            "read the sign-off and countersign it."
        )
    elif kind in (Kind.EVIDENCE_ACCEPTED, Kind.EVIDENCE_REFERRED):
        text = f"{describe_entry(entry)} ({standard})"
    elif kind == Kind.ACKNOWLEDGEMENT_NEEDED:
        text = (
            f"{describe_entry(entry)} for your unit {standard}: "
            "read it and acknowledge it with your name."
        )
    elif kind in QA_ACTION_KINDS.values():
        action = actions[_payload(entry)["qa_action"]]
        words = _qa_action_words(entry, kind, action)
        text = f"{words} ({enrolment.learner.display_name}, {standard})"
    else:
        text = f"{describe_entry(entry)} ({enrolment.learner.display_name}, {standard})"
    return _fit(text)


def _qa_action_words(entry: RecordEntry, kind: str, action: QaAction) -> str:
    """An IQA action's step in words to the person who takes the next one, with its due date
    where the assessor owes an answer."""
    payload = _payload(entry)
    who = (entry.actor_name or "").strip() or "Someone"
    due = dateformat.format(action.due_on, "j M Y")
    asked = f"“{action.text}”"
    if kind == Kind.QA_ACTION_RAISED:
        return f"{who} raised an action for you to answer by {due}: {asked}"
    if kind == Kind.QA_ACTION_RETURNED:
        note = str(payload.get("note") or "").strip()
        return f"{who} sent the action {asked} back to you, to answer again by {due}" + (
            f": “{note}”" if note else ""
        )
    if kind == Kind.QA_ACTION_ANSWERED:
        response = str(payload.get("response") or "").strip()
        return f"{who} answered your action {asked}" + (f": “{response}”" if response else "")
    note = str(payload.get("note") or "").strip()
    return f"{who} closed the action {asked}" + (f": “{note}”" if note else "")


def _fit(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1].rstrip() + "…"


@transaction.atomic
def _collect_submissions(now: datetime.datetime) -> int:
    cursor = SubmissionCursor.objects.select_for_update().order_by("pk").first()
    items = EvidenceItem.objects.filter(status=EvidenceItem.Status.SUBMITTED).select_related(
        "enrolment__standard", "enrolment__learner", "enrolment__assessor"
    )
    if cursor is not None:
        items = items.filter(submitted_at__gte=cursor.read_to - SUBMISSION_OVERLAP)
    rows = []
    for item in items.order_by("submitted_at", "pk"):
        enrolment = item.enrolment
        assessor = enrolment.assessor
        if (
            assessor is None
            or not assessor.is_active
            or not assessor.is_assessor
            or assessor.centre_id != enrolment.centre_id
        ):
            continue
        rows.append(
            Notification(
                recipient=assessor,
                centre_id=enrolment.centre_id,
                enrolment=enrolment,
                kind=Kind.EVIDENCE_SUBMITTED,
                text=_fit(
                    f"{enrolment.learner.display_name} submitted {item.reference} "
                    f"{item.title} for review ({enrolment.standard.display_name})"
                ),
                link=reverse("review:review", args=[item.pk]),
                occurred_at=item.submitted_at,
                event_key=f"submitted:{item.pk}:{item.submitted_at.timestamp():.6f}",
            )
        )
    created = _save(rows)
    if cursor is None:
        SubmissionCursor.objects.create(read_to=now)
    elif now > cursor.read_to:
        cursor.read_to = now
        cursor.save(update_fields=["read_to"])
    return created


def _save(rows: list[Notification]) -> int:
    """Insert the rows not already there (an event read twice); return how many were new."""
    if not rows:
        return 0
    keys = {(row.recipient_id, row.event_key) for row in rows}
    existing = set(
        Notification.objects.filter(
            recipient_id__in={k[0] for k in keys}, event_key__in={k[1] for k in keys}
        ).values_list("recipient_id", "event_key")
    )
    new = [row for row in rows if (row.recipient_id, row.event_key) not in existing]
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)
