"""Evidence, decisions and signatures for portfolio tests, written straight to the models.

The assessments record is appended through ``assessments.services.record_append`` so the
hash chain is real.
"""

from __future__ import annotations

import datetime
import hashlib
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from assessments.models import CriterionJudgement, Enrolment, IqaSample, RecordEntry, UnitSignOff
from assessments.services import record_append
from evidence.models import EvidenceFile, EvidenceItem, Mapping
from standards.models import Criterion

WHEN = datetime.datetime(2026, 10, 5, 10, 30, tzinfo=datetime.UTC)


def png_bytes(width: int = 1600, height: int = 900, shade: int = 0) -> bytes:
    image = Image.new("RGB", (width, height), (40 + shade % 200, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def add_file(
    item: EvidenceItem, name: str, data: bytes, *, kind: str = "document", media: str = ""
) -> EvidenceFile:
    evidence_file = EvidenceFile(
        item=item,
        original_name=name,
        media_type=media or ("image/png" if kind == "image" else "application/pdf"),
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    evidence_file.file.save(f"evidence/{item.pk}-{name}", ContentFile(data), save=False)
    evidence_file.save()
    return evidence_file


def add_item(enrolment: Enrolment, sequence: int, **fields: object) -> EvidenceItem:
    defaults: dict[str, object] = {
        "title": f"Evidence item {sequence}",
        "occurred_on": datetime.date(2026, 10, 1),
        "evidence_type": EvidenceItem.Type.REFLECTIVE,
        "description": f"Reflective account number {sequence}.\n\nWhat I learned.",
        "status": EvidenceItem.Status.ACCEPTED,
        "declaration_name": enrolment.learner.display_name,
        "declared_at": WHEN,
        "submitted_at": WHEN,
    }
    defaults.update(fields)
    return EvidenceItem.objects.create(
        enrolment=enrolment, sequence=sequence, reference=f"E{sequence}", **defaults
    )


def add_evidence(
    enrolment: Enrolment, *, items: int, images: int = 0, start: int = 1
) -> list[EvidenceItem]:
    """Items each with one document, the first ``images`` with a photo too, each mapped and
    confirmed to a criterion, accepted in the record."""
    criteria = list(Criterion.objects.filter(standard=enrolment.standard).order_by("kind", "order"))
    made = []
    for n in range(start, start + items):
        item = add_item(enrolment, n)
        add_file(item, f"account-{n}.pdf", b"%PDF-1.4 evidence " + str(n).encode() * 50)
        if n - start < images:
            add_file(item, f"photo-{n}.png", png_bytes(shade=n), kind="image")
        criterion = criteria[(n - 1) % len(criteria)]
        Mapping.objects.create(
            item=item,
            criterion=criterion,
            proposed_by_learner=True,
            confirmed=True,
            method=Mapping.Method.REFLECTIVE,
            confirmed_by=enrolment.assessor,
            confirmed_at=WHEN,
        )
        record_append(
            enrolment=enrolment,
            actor=enrolment.assessor,
            action=RecordEntry.Action.EVIDENCE_ACCEPTED,
            payload={"item": item.pk, "feedback": f"Good account {n}."},
            file_hashes=[f.sha256 for f in item.files.all()],
        )
        made.append(item)
    return made


def judge_and_sign(enrolment: Enrolment) -> UnitSignOff:
    """Judge every mapped criterion met, sign off, countersign and sample it."""
    assessor = enrolment.assessor
    for mapping in Mapping.objects.filter(item__enrolment=enrolment):
        CriterionJudgement.objects.update_or_create(
            enrolment=enrolment,
            criterion=mapping.criterion,
            defaults={"met": True, "decided_by": assessor, "decided_at": WHEN, "rationale": "ok"},
        )
        record_append(
            enrolment=enrolment,
            actor=assessor,
            action=RecordEntry.Action.JUDGEMENT,
            payload={"criterion": mapping.criterion_id, "met": True},
        )
    sign_off = UnitSignOff.objects.create(
        enrolment=enrolment,
        assessor=assessor,
        assessor_declaration="I confirm the evidence is valid, authentic and sufficient.",
        signed_at=WHEN,
        learner_declaration="I confirm this is my own work.",
        countersigned_at=WHEN + datetime.timedelta(hours=2),
    )
    entry = record_append(
        enrolment=enrolment,
        actor=assessor,
        action=RecordEntry.Action.SIGNED_OFF,
        payload={"sign_off": sign_off.pk},
    )
    IqaSample.objects.create(
        entry=entry,
        enrolment=enrolment,
        assessor=assessor,
        outcome=IqaSample.Outcome.AGREED,
        sampled_by=enrolment.iqa,
        sampled_at=timezone.now(),
    )
    return sign_off
