"""Synthetic data at national size, for measuring pages (``manage.py generate_data``).

Rows are built as unsaved model instances (so defaults, new columns and auto timestamps come
from the models' ``_meta``) and written in batches: PostgreSQL ``COPY`` on PostgreSQL, plain
multi-row inserts elsewhere (SQLite at small sizes, for the test). Primary keys are assigned
here, so rows can refer to each other without reading ids back; sequences are reset at the
end.

The record is written as ``assessments.services.record_append`` writes it: per centre, in
sequence order, each entry naming the previous entry's hash, hashed by
``RecordEntry.compute_hash`` and signed by ``assessments.signing.mac_for``, continuing any
chain a centre already has (the demo centre's), so ``manage.py verify_record`` passes.

The demo centre is one of the centres: it receives its share of learners and its demo
assessor and IQA a generated caseload, so the demo logins see data at size.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from assessments import signing
from assessments.models import (
    GENESIS_HASH,
    CriterionJudgement,
    Enrolment,
    IqaSample,
    RecordEntry,
    ReopenRequest,
    UnitSignOff,
)
from evidence.models import EvidenceFile, EvidenceItem, Mapping, private_storage
from portal.accounts.models import User
from portal.centres.models import Centre, EqaGrant
from portal.demo import DEMO_CENTRE, DEMO_PASSWORD, build_demo
from standards.models import Criterion, Standard

Action = RecordEntry.Action
ItemStatus = EvidenceItem.Status
GENERATED_PREFIX = "Generated Centre"
CASELOAD = 40
ASSESSORS_PER_IQA = 5


@dataclass(frozen=True)
class Size:
    """How much to make. Per-centre and per-item figures are derived from the totals."""

    centres: int = 50
    learners: int = 20_000
    enrolments: int = 40_000
    items: int = 1_000_000
    mappings: int = 4_000_000
    files: int = 50

    def scaled(self, factor: float) -> Size:
        def at_least(value: int, floor: int) -> int:
            return max(floor, round(value * factor))

        centres = at_least(self.centres, 2)
        learners = at_least(self.learners, 2 * centres)
        enrolments = at_least(self.enrolments, learners)
        items = at_least(self.items, enrolments)
        return Size(
            centres=centres,
            learners=learners,
            enrolments=enrolments,
            items=items,
            mappings=at_least(self.mappings, items),
            files=at_least(self.files, 3),
        )


# Shares of enrolments by state; the rest are in progress.
STATE_SHARES = [
    ("withdrawn", 0.02),
    ("awaiting_learner", 0.08),
    ("awaiting_iqa", 0.10),
    ("iqa_verified", 0.15),
    ("reopen_requested", 0.03),
]
# In-progress items by status.
ITEM_SHARES = [
    (ItemStatus.DRAFT, 0.08),
    (ItemStatus.SUBMITTED, 0.14),
    (ItemStatus.REFERRED, 0.05),
    (ItemStatus.ACCEPTED, 0.73),
]
ITEM_TYPES = [
    EvidenceItem.Type.PRODUCT,
    EvidenceItem.Type.REFLECTIVE,
    EvidenceItem.Type.DISCUSSION,
    EvidenceItem.Type.WITNESS,
    EvidenceItem.Type.PRIOR_LEARNING,
]
METHOD_FOR_TYPE = {
    EvidenceItem.Type.PRODUCT: Mapping.Method.PRODUCT,
    EvidenceItem.Type.REFLECTIVE: Mapping.Method.REFLECTIVE,
    EvidenceItem.Type.DISCUSSION: Mapping.Method.DISCUSSION,
    EvidenceItem.Type.WITNESS: Mapping.Method.WITNESS,
    EvidenceItem.Type.PRIOR_LEARNING: Mapping.Method.PRIOR_LEARNING,
}
WORDS = [
    "care",
    "plan",
    "review",
    "resident",
    "support",
    "medication",
    "handover",
    "safeguarding",
    "record",
    "team",
    "meeting",
    "family",
    "visit",
    "risk",
    "assessment",
    "dignity",
    "nutrition",
    "mobility",
    "infection",
    "control",
    "supervision",
    "reflection",
    "communication",
    "person",
    "centred",
    "activity",
    "rota",
    "audit",
    "training",
    "incident",
    "report",
]


class Table:
    """Buffered rows of one model, written with COPY (PostgreSQL) or inserts (others)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.rows: list[list[Any]] = []
        self.written = 0
        self.next_id = (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.now = timezone.now()
        self.postgres = connection.vendor == "postgresql"
        self.convert = [self._converter(f) for f in self.fields]

    def _converter(self, f: models.Field) -> Callable[[Any], Any]:
        if not self.postgres:
            return lambda value: f.get_db_prep_save(value, connection)
        if isinstance(f, models.JSONField):
            return lambda value: None if value is None else json.dumps(value)
        if isinstance(f, models.FileField):
            return lambda value: value.name or ""
        if isinstance(f, models.BooleanField):
            return lambda value: None if value is None else ("t" if value else "f")
        if isinstance(f, (models.CharField, models.TextField, models.IntegerField)):
            return lambda value: value
        if isinstance(f, models.ForeignKey | models.DateTimeField | models.DateField):
            return lambda value: value
        return lambda value: f.get_db_prep_save(value, connection)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, obj: models.Model) -> None:
        row = []
        for f, convert in zip(self.fields, self.convert, strict=True):
            value = getattr(obj, f.attname)
            if value is None and (
                getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            ):
                value = self.now
            row.append(convert(value))
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in self.rows)
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - names from _meta
                    self.rows,
                )
        self.written += len(self.rows)
        self.rows = []


def _copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


@dataclass
class Chain:
    """A centre's record head while entries are appended to it."""

    centre_id: int
    sequence: int
    head: str
    start: datetime.datetime
    step: datetime.timedelta

    def at(self, sequence: int) -> datetime.datetime:
        return self.start + self.step * sequence


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    centres: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class Generator:
    # Written in this order, so foreign keys always point at rows already written.
    MODELS: tuple[type[models.Model], ...] = (
        Centre,
        User,
        EqaGrant,
        Enrolment,
        EvidenceItem,
        EvidenceFile,
        Mapping,
        CriterionJudgement,
        UnitSignOff,
        RecordEntry,
        IqaSample,
        ReopenRequest,
    )

    def __init__(
        self, size: Size, *, seed: int = 13, batch: int = 20_000, demo: bool = True
    ) -> None:
        self.size = size
        self.demo = demo
        self.random = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.batch = batch
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.key_id = signing.current_key_id()
        self.password = make_password(DEMO_PASSWORD)
        self.tables: dict[type[models.Model], Table] = {}
        self.files_left = size.files
        self.progress: Callable[[str], None] = lambda message: None

    # -- writing ------------------------------------------------------------------------

    def _add(self, obj: models.Model) -> None:
        table = self.tables[type(obj)]
        table.add(obj)
        if len(table.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        for model in self.MODELS:
            self.tables[model].flush()

    def _id(self, model: type[models.Model]) -> int:
        return self.tables[model].new_id()

    # -- the run ------------------------------------------------------------------------

    def run(self) -> Report:
        started = time.monotonic()
        if not Standard.objects.exists():
            call_command("loaddata", "standards", verbosity=0)
        if Centre.objects.filter(name__startswith=GENERATED_PREFIX).exists():
            raise GeneratedAlready(
                "This database already holds generated centres; generate into a fresh one."
            )
        if self.demo:
            build_demo(self.today)
            started = time.monotonic()  # the rate is of generated rows only
        self.tables = {model: Table(model) for model in self.MODELS}
        self.criteria = self._criteria()
        self.standards = sorted(self.criteria)
        demo_centre = Centre.objects.filter(name=DEMO_CENTRE).first() if self.demo else None
        report = Report()
        eqa_users = self._eqa_users()
        centre_ids = [demo_centre.pk] if demo_centre else []
        with transaction.atomic():
            for number in range(1, self.size.centres + 1 - len(centre_ids)):
                centre = Centre(
                    id=self._id(Centre),
                    name=f"{GENERATED_PREFIX} {number:03d}",
                    time_zone="Europe/London",
                )
                self._add(centre)
                centre_ids.append(centre.pk)
            self._flush()
        learners_left = self.size.learners
        enrolments_left = self.size.enrolments
        items_left = self.size.items
        mappings_left = self.size.mappings
        for index, centre_id in enumerate(centre_ids):
            share = 1 / (len(centre_ids) - index)
            learners = round(learners_left * share)
            enrolments = round(enrolments_left * share)
            items = round(items_left * share)
            mappings = round(mappings_left * share)
            with transaction.atomic():
                self._centre(centre_id, index, learners, enrolments, items, mappings)
                for position, user_id in enumerate(eqa_users):
                    if index % len(eqa_users) == position:
                        self._add(
                            EqaGrant(
                                id=self._id(EqaGrant),
                                user_id=user_id,
                                centre_id=centre_id,
                                expires_on=self.today + datetime.timedelta(days=365),
                            )
                        )
                self._flush()
            learners_left -= learners
            enrolments_left -= enrolments
            items_left -= items
            mappings_left -= mappings
            self.progress(
                f"centre {index + 1}/{len(centre_ids)}: "
                f"{self.tables[RecordEntry].written} record entries, "
                f"{time.monotonic() - started:.0f} s"
            )
        self._reset_sequences()
        report.rows = {model._meta.label: self.tables[model].written for model in self.MODELS}
        report.seconds = time.monotonic() - started
        report.centres = centre_ids
        return report

    def _criteria(self) -> dict[int, list[tuple[int, str]]]:
        criteria: dict[int, list[tuple[int, str]]] = {}
        shared = Q(standard__owner_centre__isnull=True) | Q(standard__published=True)
        rows = Criterion.objects.filter(shared).order_by("standard_id", "kind", "order")
        for pk, standard_id, reference in rows.values_list("pk", "standard_id", "reference"):
            criteria.setdefault(standard_id, []).append((pk, reference))
        return criteria

    def _eqa_users(self) -> list[int]:
        """External QAs, each granted about five centres (the demo's eqa1 has the demo centre)."""
        ids = []
        with transaction.atomic():
            for number in range(1, max(1, self.size.centres // 5) + 1):
                user = self._user(None, f"geqa{number:03d}", f"External QA {number}", "is_eqa")
                ids.append(user.pk)
            self._flush()
        return ids

    def _user(self, centre_id: int | None, username: str, name: str, role: str) -> User:
        user = User(
            id=self._id(User),
            username=username,
            password=self.password,
            full_name=name,
            email=f"{username}@example.org",
            centre_id=centre_id,
            is_active=True,
            date_joined=self.now,
            **{role: True},
        )
        self._add(user)
        return user

    def _centre(
        self, centre_id: int, index: int, learners: int, enrolments: int, items: int, maps: int
    ) -> None:
        tag = f"g{index:03d}"
        assessors = max(1, math.ceil(enrolments / CASELOAD))
        iqas = max(1, math.ceil(assessors / ASSESSORS_PER_IQA))
        demo = User.objects.filter(centre_id=centre_id, username__in=["assessor1", "iqa1"])
        demo_ids = dict(demo.values_list("username", "pk"))
        assessor_ids = [demo_ids["assessor1"]] if "assessor1" in demo_ids else []
        iqa_ids = [demo_ids["iqa1"]] if "iqa1" in demo_ids else []
        names: dict[int, str] = dict(
            User.objects.filter(pk__in=assessor_ids + iqa_ids).values_list("pk", "full_name")
        )
        for number in range(len(assessor_ids), assessors):
            user = self._user(
                centre_id, f"{tag}a{number:04d}", f"Assessor {tag}-{number}", "is_assessor"
            )
            assessor_ids.append(user.pk)
            names[user.pk] = user.full_name
        for number in range(len(iqa_ids), iqas):
            user = self._user(centre_id, f"{tag}q{number:03d}", f"IQA {tag}-{number}", "is_iqa")
            iqa_ids.append(user.pk)
            names[user.pk] = user.full_name
        for number in range(2):
            self._user(centre_id, f"{tag}m{number}", f"Admin {tag}-{number}", "is_centre_admin")
        learner_ids = []
        for number in range(learners):
            first = self.random.choice(FIRST_NAMES)
            last = self.random.choice(LAST_NAMES)
            user = self._user(centre_id, f"{tag}l{number:05d}", f"{first} {last}", "is_learner")
            learner_ids.append(user.pk)
            names[user.pk] = user.full_name
        chain = self._chain(centre_id, index)
        states = self._states(enrolments)
        next_sequence: dict[int, int] = {}
        for number in range(enrolments):
            learner_id = learner_ids[number % len(learner_ids)]
            # A learner's second enrolment is on another standard.
            standard_id = self.standards[
                (number % len(learner_ids) + number // len(learner_ids)) % len(self.standards)
            ]
            share = items // enrolments + (1 if number < items % enrolments else 0)
            per_item = maps // items + (1 if self.random.random() < (maps % items) / items else 0)
            self._enrolment(
                centre_id,
                chain,
                names,
                learner_id=learner_id,
                standard_id=standard_id,
                assessor_id=assessor_ids[number % len(assessor_ids)],
                iqa_id=iqa_ids[(number % len(assessor_ids)) % len(iqa_ids)],
                state=states[number],
                items=share,
                per_item=max(1, per_item),
                next_sequence=next_sequence,
            )

    def _chain(self, centre_id: int, index: int) -> Chain:
        last = (
            RecordEntry.objects.filter(centre_id=centre_id)
            .order_by("-sequence")
            .values("sequence", "entry_hash", "recorded_at")
            .first()
        )
        start = self.now - datetime.timedelta(days=730)
        if last:
            start = max(start, last["recorded_at"])
        expected = (self.size.items / self.size.centres) * 8 + 1
        step = (self.now - start) / expected
        return Chain(
            centre_id,
            last["sequence"] if last else 0,
            last["entry_hash"] if last else GENESIS_HASH,
            start,
            step,
        )

    def _states(self, count: int) -> list[str]:
        states = []
        for state, share in STATE_SHARES:
            states += [state] * max(1, round(count * share)) if count >= 20 else []
        states += ["in_progress"] * (count - len(states))
        if count < 20:  # tiny sizes still show every state once
            states = ([s for s, _ in STATE_SHARES] + ["in_progress"] * count)[:count]
        self.random.shuffle(states)
        return states[:count]

    def _entry(
        self,
        chain: Chain,
        *,
        actor_id: int,
        actor_name: str,
        action: str,
        enrolment_id: int,
        payload: dict[str, Any],
        file_hashes: list[str] | None = None,
    ) -> RecordEntry:
        chain.sequence += 1
        entry = RecordEntry(
            id=self._id(RecordEntry),
            centre_id=chain.centre_id,
            sequence=chain.sequence,
            actor_id=actor_id,
            actor_name=actor_name,
            recorded_at=chain.at(chain.sequence),
            action=action,
            enrolment_id=enrolment_id,
            payload=payload,
            file_hashes=file_hashes or [],
            prev_hash=chain.head,
        )
        entry.entry_hash = entry.compute_hash()
        entry.mac_key_id = self.key_id
        entry.mac = signing.mac_for(entry.entry_hash, self.key_id)
        chain.head = entry.entry_hash
        self._add(entry)
        return entry

    def _enrolment(
        self,
        centre_id: int,
        chain: Chain,
        names: dict[int, str],
        *,
        learner_id: int,
        standard_id: int,
        assessor_id: int,
        iqa_id: int,
        state: str,
        items: int,
        per_item: int,
        next_sequence: dict[int, int],
    ) -> None:
        criteria = self.criteria[standard_id]
        signed = state in ("awaiting_learner", "awaiting_iqa", "iqa_verified", "reopen_requested")
        countersigned = signed and state != "awaiting_learner"
        start = self.today - datetime.timedelta(days=self.random.randint(60, 700))
        enrolment = Enrolment(
            id=self._id(Enrolment),
            centre_id=centre_id,
            learner_id=learner_id,
            standard_id=standard_id,
            assessor_id=assessor_id,
            iqa_id=iqa_id,
            start_date=start,
            target_end_date=start + datetime.timedelta(days=365),
            status=(
                Enrolment.Status.WITHDRAWN
                if state == "withdrawn"
                else Enrolment.Status.COMPLETED
                if countersigned
                else Enrolment.Status.ACTIVE
            ),
            ended_on=self.today - datetime.timedelta(days=3)
            if state == "withdrawn" or countersigned
            else None,
            created_at=self.now,
        )
        self._add(enrolment)
        assessor_name = names[assessor_id]
        # Signed-off units have every criterion backed: each item maps enough criteria.
        if signed:
            per_item = max(per_item, math.ceil(len(criteria) / max(1, items)))
        per_item = min(per_item, len(criteria))
        backed: list[tuple[int, str]] = []
        for number in range(items):
            status = ItemStatus.ACCEPTED if signed else self._pick(ITEM_SHARES)
            sequence = next_sequence.get(learner_id, 0) + 1
            next_sequence[learner_id] = sequence
            evidence_type = ITEM_TYPES[number % len(ITEM_TYPES)]
            occurred = start + datetime.timedelta(days=number % 300)
            submitted = chain.at(chain.sequence + 1)
            title = " ".join(self.random.sample(WORDS, 4)).capitalize()
            item = EvidenceItem(
                id=self._id(EvidenceItem),
                enrolment_id=enrolment.pk,
                learner_id=learner_id,
                sequence=sequence,
                reference=f"E{sequence}",
                title=title,
                occurred_on=occurred,
                evidence_type=evidence_type,
                description=f"{title}. " + " ".join(self.random.choices(WORDS, k=30)),
                status=status,
                submitted_at=None if status == ItemStatus.DRAFT else submitted,
                declaration_name="" if status == ItemStatus.DRAFT else names[learner_id],
                declared_at=None if status == ItemStatus.DRAFT else submitted,
                created_at=submitted,
                updated_at=submitted,
            )
            if evidence_type == EvidenceItem.Type.WITNESS:
                item.witness_name = "Sam Supervisor"
                item.witness_role = "Senior carer"
                item.witness_relationship = "Line manager"
                item.witness_statement = "I saw this work and it met the standard."
            self._add(item)
            hashes = self._files(item) if self.files_left > 0 else []
            if status in (ItemStatus.ACCEPTED, ItemStatus.REFERRED):
                self._entry(
                    chain,
                    actor_id=assessor_id,
                    actor_name=assessor_name,
                    action=Action.EVIDENCE_ACCEPTED
                    if status == ItemStatus.ACCEPTED
                    else Action.EVIDENCE_REFERRED,
                    enrolment_id=enrolment.pk,
                    payload={
                        "item": item.pk,
                        "reference": item.reference,
                        "title": title,
                        "feedback": "" if status == ItemStatus.ACCEPTED else "Add more detail.",
                    },
                    file_hashes=hashes,
                )
            offset = (number * per_item) % len(criteria)
            for k in range(per_item):
                criterion_id, reference = criteria[(offset + k) % len(criteria)]
                confirmed = status == ItemStatus.ACCEPTED
                method = METHOD_FOR_TYPE[evidence_type]
                when = chain.at(chain.sequence + 1)
                self._add(
                    Mapping(
                        id=self._id(Mapping),
                        item_id=item.pk,
                        criterion_id=criterion_id,
                        proposed_by_learner=True,
                        confirmed=confirmed,
                        method=method if confirmed else "",
                        confirmed_by_id=assessor_id if confirmed else None,
                        confirmed_at=when if confirmed else None,
                        created_at=when,
                    )
                )
                if confirmed:
                    backed.append((criterion_id, reference))
                    self._entry(
                        chain,
                        actor_id=assessor_id,
                        actor_name=assessor_name,
                        action=Action.MAPPING_CONFIRMED,
                        enrolment_id=enrolment.pk,
                        payload={
                            "item": item.pk,
                            "reference": item.reference,
                            "title": title,
                            "criterion": reference,
                            "criterion_id": criterion_id,
                            "standard": "",
                            "method": method,
                            "item_enrolment": enrolment.pk,
                        },
                    )
        # Judgements: every backed criterion of a signed-off unit; about half in progress.
        judged = list(dict.fromkeys(backed))
        if not signed:
            judged = judged[: len(judged) // 4]
        judgement_entries = []
        for criterion_id, reference in judged:
            when = chain.at(chain.sequence + 1)
            self._add(
                CriterionJudgement(
                    id=self._id(CriterionJudgement),
                    enrolment_id=enrolment.pk,
                    criterion_id=criterion_id,
                    met=True,
                    rationale="Consistent evidence across settings.",
                    decided_by_id=assessor_id,
                    decided_at=when,
                )
            )
            judgement_entries.append(
                self._entry(
                    chain,
                    actor_id=assessor_id,
                    actor_name=assessor_name,
                    action=Action.JUDGEMENT,
                    enrolment_id=enrolment.pk,
                    payload={
                        "criterion": reference,
                        "criterion_id": criterion_id,
                        "met": True,
                        "rationale": "Consistent evidence across settings.",
                    },
                )
            )
        if judgement_entries and self.random.random() < 0.3:
            self._sample(chain, names, enrolment, judgement_entries[0], iqa_id, agreed=True)
        if signed:
            self._sign_off(chain, names, enrolment, state, judgement_entries)

    def _pick(self, shares: list[tuple[str, float]]) -> str:
        roll = self.random.random()
        for value, share in shares:
            roll -= share
            if roll < 0:
                return value
        return shares[-1][0]

    def _files(self, item: EvidenceItem) -> list[str]:
        """A real small file in the evidence storage, for the first few items."""
        self.files_left -= 1
        content = f"{item.title}\n\nNotes written for {item.reference}.\n".encode()
        sha = hashlib.sha256(content).hexdigest()
        name = private_storage().save(f"evidence/generated/{sha}.txt", ContentFile(content))
        self._add(
            EvidenceFile(
                id=self._id(EvidenceFile),
                item_id=item.pk,
                file=name,
                original_name=f"notes-{item.reference}.txt",
                media_type="text/plain",
                kind=EvidenceFile.Kind.DOCUMENT,
                size=len(content),
                sha256=sha,
                uploaded_at=item.created_at,
            )
        )
        return [sha]

    def _sample(
        self,
        chain: Chain,
        names: dict[int, str],
        enrolment: Enrolment,
        entry: RecordEntry,
        iqa_id: int,
        *,
        agreed: bool,
    ) -> IqaSample:
        feedback = "" if agreed else "The rationale does not say which evidence shows this."
        sample = IqaSample(
            id=self._id(IqaSample),
            entry_id=entry.pk,
            enrolment_id=enrolment.pk,
            assessor_id=entry.actor_id,
            outcome=IqaSample.Outcome.AGREED if agreed else IqaSample.Outcome.REFERRED,
            feedback=feedback,
            sampled_by_id=iqa_id,
            sampled_at=chain.at(chain.sequence + 1),
        )
        self._add(sample)
        self._entry(
            chain,
            actor_id=iqa_id,
            actor_name=names[iqa_id],
            action=Action.IQA_AGREED if agreed else Action.IQA_REFERRED,
            enrolment_id=enrolment.pk,
            payload={
                "sampled_entry": entry.sequence,
                "sampled_hash": entry.entry_hash,
                "sampled_action": entry.action,
                "criterion": entry.payload.get("criterion", ""),
                "reference": entry.payload.get("reference", ""),
                "feedback": feedback,
            },
        )
        return sample

    def _sign_off(
        self,
        chain: Chain,
        names: dict[int, str],
        enrolment: Enrolment,
        state: str,
        judgements: list[RecordEntry],
    ) -> None:
        assessor_id = enrolment.assessor_id
        iqa_id = enrolment.iqa_id
        declaration = "I confirm the evidence is valid, authentic, current and sufficient."
        sign_off = UnitSignOff(
            id=self._id(UnitSignOff),
            enrolment_id=enrolment.pk,
            assessor_id=assessor_id,
            assessor_declaration=declaration,
            signed_at=chain.at(chain.sequence + 1),
        )
        signed_entry = self._entry(
            chain,
            actor_id=assessor_id,
            actor_name=names[assessor_id],
            action=Action.SIGNED_OFF,
            enrolment_id=enrolment.pk,
            payload={"sign_off": sign_off.pk, "declaration": declaration},
        )
        if state != "awaiting_learner":
            sign_off.learner_declaration = "This is my own work."
            sign_off.countersigned_at = chain.at(chain.sequence + 1)
            self._entry(
                chain,
                actor_id=enrolment.learner_id,
                actor_name=names[enrolment.learner_id],
                action=Action.COUNTERSIGNED,
                enrolment_id=enrolment.pk,
                payload={"sign_off": sign_off.pk, "declaration": sign_off.learner_declaration},
            )
        if state == "iqa_verified":
            sign_off.iqa_verified_by_id = iqa_id
            sign_off.iqa_verified_at = chain.at(chain.sequence + 1)
        self._add(sign_off)
        if state == "iqa_verified":
            self._sample(chain, names, enrolment, signed_entry, iqa_id, agreed=True)
        if state == "reopen_requested" and judgements:
            sampled = judgements[-1]
            sample = self._sample(chain, names, enrolment, sampled, iqa_id, agreed=False)
            request = ReopenRequest(
                id=self._id(ReopenRequest),
                enrolment_id=enrolment.pk,
                sign_off_id=sign_off.pk,
                sample_id=sample.pk,
                criterion_id=sampled.payload["criterion_id"],
                requested_by_id=iqa_id,
                reason=sample.feedback,
                requested_at=sample.sampled_at,
            )
            self._add(request)
            self._entry(
                chain,
                actor_id=iqa_id,
                actor_name=names[iqa_id],
                action=Action.REOPEN_REQUESTED,
                enrolment_id=enrolment.pk,
                payload={
                    "reopen_request": request.pk,
                    "sign_off": sign_off.pk,
                    "criterion": sampled.payload["criterion"],
                    "reason": request.reason,
                },
            )

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.MODELS))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if connection.vendor == "postgresql":
                # Fresh statistics: without them the planner takes the COPYed tables for
                # empty and picks sequential scans until autovacuum gets round to them.
                cursor.execute("ANALYZE")


class GeneratedAlready(Exception):
    """The database already holds generated data."""


def rows_per_second(report: Report) -> Iterator[str]:
    for label, count in report.rows.items():
        yield f"{label:<28} {count:>10,}"
    yield f"{'total':<28} {report.total:>10,} rows in {report.seconds:.1f} s"
    yield f"{'':<28} {report.total / max(report.seconds, 1e-9):>10,.0f} rows/s"


FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farah",
    "George",
    "Hana",
    "Isaac",
    "Jade",
    "Kofi",
    "Leah",
    "Mohammed",
    "Nadia",
    "Oliver",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Xena",
    "Yusuf",
    "Zoe",
    "Aled",
    "Bronwen",
    "Ciaran",
    "Dafydd",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Campbell",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Usman",
    "Vaughan",
    "Williams",
    "Young",
]
