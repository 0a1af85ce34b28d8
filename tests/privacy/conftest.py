from __future__ import annotations

import pytest

from evidence.models import EvidenceFile, EvidenceItem
from review import services as review_services
from tests.evidence.helpers import add_file, docx_bytes, make_item, png_bytes


@pytest.fixture
def evidence(people) -> dict[str, object]:
    """Alice's accepted witness testimony with an image (thumbnailed) and a document, mapped
    and judged by Bob, and a draft with one more image."""
    item = make_item(
        people.enrolment,
        title="Night shift handover",
        description="I handed over to the day team.",
        evidence_type=EvidenceItem.Type.WITNESS,
        witness_name="Wendy Witness",
        witness_role="Shift lead",
        witness_relationship="Line manager",
        witness_contact="wendy@example.org",
        witness_statement="Alice handed over clearly.",
    )
    image = add_file(item, "handover.png", png_bytes())
    document = add_file(item, "notes.docx", docx_bytes())
    from evidence import services as evidence_services

    evidence_services.evidence_submit(
        item=item, learner=people.learner, declaration_name="Alice Learner"
    )
    criterion = people.enrolment.standard.criteria.get()
    review_services.mapping_add(item=item, criterion=criterion, assessor=people.assessor)
    review_services.evidence_accept(item=item, assessor=people.assessor)
    review_services.criterion_judge(
        enrolment=people.enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=True,
        rationale="Clear handover observed by the witness.",
    )
    draft = make_item(people.enrolment, title="Medication round")
    draft_image = add_file(draft, "round.png", png_bytes(colour="navy"))
    return {
        "item": item,
        "draft": draft,
        "files": [EvidenceFile.objects.get(pk=f.pk) for f in (image, document, draft_image)],
    }
