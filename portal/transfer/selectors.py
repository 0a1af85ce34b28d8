"""Reads for transferred portfolios: what a learner already achieved elsewhere, matched to
the criteria of their enrolments here by CASE identifier (``standards.case.item_identifier``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.transfer.models import TransferredPortfolio
from standards import case
from standards.models import Criterion


@dataclass
class Achievement:
    """A transferred judgement of one criterion, with the evidence mapped to it there."""

    transfer: TransferredPortfolio
    standard: str
    reference: str
    met: bool
    decided_by: str
    decided_at: str
    rationale: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CriterionHistory:
    enrolment: Enrolment
    criterion: Criterion
    achievements: list[Achievement]


@dataclass
class TransferMatch:
    rows: list[CriterionHistory]  # every criterion of the learner's enrolments here
    unmatched: list[Achievement]  # transferred judgements of criteria we have no match for


def transfers_of(learner: User, centre: Centre) -> QuerySet[TransferredPortfolio]:
    return TransferredPortfolio.objects.filter(learner=learner, centre=centre).select_related(
        "imported_by"
    )


def _achievements(transfer: TransferredPortfolio) -> dict[str, list[Achievement]]:
    """Transferred judgements by CFItem identifier."""
    manifest = transfer.manifest
    titles = {s["identifier"]: s["title"] for s in manifest["standards"]}
    evidence_by_criterion: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in manifest["evidence"]:
        for mapping in item["mappings"]:
            if mapping["confirmed"]:
                evidence_by_criterion[mapping["identifier"]].append(
                    {
                        "reference": item["reference"],
                        "title": item["title"],
                        "method": mapping["method"] or item["method"],
                        "files": item["files"],
                    }
                )
    found: dict[str, list[Achievement]] = defaultdict(list)
    for enrolment in manifest["enrolments"]:
        for judgement in enrolment["judgements"]:
            found[judgement["identifier"]].append(
                Achievement(
                    transfer=transfer,
                    standard=titles.get(enrolment["standard"], ""),
                    reference=judgement["reference"],
                    met=judgement["met"],
                    decided_by=judgement["decided_by"] or "",
                    decided_at=judgement["decided_at"] or "",
                    rationale=judgement["rationale"],
                    evidence=evidence_by_criterion.get(judgement["identifier"], []),
                )
            )
    return found


def transfer_match(learner: User, centre: Centre) -> TransferMatch:
    """Per criterion of the learner's enrolments at ``centre``, what was judged elsewhere."""
    found: dict[str, list[Achievement]] = defaultdict(list)
    for transfer in transfers_of(learner, centre):
        for identifier, achievements in _achievements(transfer).items():
            found[identifier].extend(achievements)
    enrolments = list(
        Enrolment.objects.filter(learner=learner, centre=centre)
        .select_related("standard")
        .order_by("start_date", "pk")
    )
    by_standard: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(
        standard_id__in={e.standard_id for e in enrolments}
    ).order_by("kind", "order"):
        by_standard[criterion.standard_id].append(criterion)
    rows = []
    matched: set[str] = set()
    for enrolment in enrolments:
        document = case.document_identifier(enrolment.standard)
        for criterion in by_standard[enrolment.standard_id]:
            criterion.standard = enrolment.standard
            identifier = str(case.item_identifier(criterion, document))
            matched.add(identifier)
            rows.append(CriterionHistory(enrolment, criterion, found.get(identifier, [])))
    unmatched = [
        a for identifier, items in found.items() if identifier not in matched for a in items
    ]
    return TransferMatch(rows=rows, unmatched=unmatched)
