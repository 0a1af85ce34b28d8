"""The demo gives learner1 and learner2 realistic evidence, once, through the services."""

from __future__ import annotations

from django.core.management import call_command

from evidence.models import EvidenceFile, EvidenceItem


def test_demo_evidence_is_realistic_and_idempotent(db, settings) -> None:
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    counts = (EvidenceItem.objects.count(), EvidenceFile.objects.count())
    call_command("demo", verbosity=0)
    assert (EvidenceItem.objects.count(), EvidenceFile.objects.count()) == counts
    learners = set(EvidenceItem.objects.values_list("enrolment__learner__username", flat=True))
    assert learners == {"learner1", "learner2"}
    # Some drafts, some submitted (the assessment demo may go on to accept or refer those).
    assert EvidenceItem.objects.filter(status="draft").exists()
    assert EvidenceItem.objects.filter(submitted_at__isnull=False).exists()
    assert not EvidenceItem.objects.filter(submitted_at__isnull=False, declaration_name="").exists()
    kinds = set(EvidenceFile.objects.values_list("media_type", flat=True))
    assert {"application/pdf", "image/jpeg", "image/png", "text/plain"} <= kinds
    assert EvidenceFile.objects.exclude(thumbnail="").filter(kind="image").exists()
    witness = EvidenceItem.objects.filter(evidence_type="witness").first()
    assert witness.witness_name and witness.submitted_at
    assert EvidenceItem.objects.filter(mappings__proposed_by_learner=True).exists()
