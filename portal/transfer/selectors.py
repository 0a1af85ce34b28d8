"""Reads for transferred portfolios: what a learner already achieved elsewhere, matched to
the criteria of their enrolments here by CASE identifier (``standards.case.item_identifier``)
or, for a criterion of another standard loaded here, through its equivalence groups
(``standards.models.EquivalenceGroup``: the old CPC 509 unit's criteria and SCDCPC509's,
equivalent knowledge items across the NOS).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import F, QuerySet

from assessments.models import CriterionJudgement, Enrolment
from evidence.models import Mapping
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.transfer.models import TransferredPortfolio
from review.status import COUNTED_ITEM_STATUSES, met_judgements_q
from standards import case
from standards.access import standards_visible_to_centre
from standards.models import Criterion, EquivalenceGroup

#: How a transferred judgement was matched to a criterion here: the same CFItem identifier,
#: or an equivalent criterion of another standard (``EquivalenceGroup.Match``).
DIRECT = "direct"
EXACT = EquivalenceGroup.Match.EXACT.value
NEAR = EquivalenceGroup.Match.NEAR.value
MATCH_RANK = {DIRECT: 0, EXACT: 1, NEAR: 2}


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
    identifier: str = ""  # the CFItem identifier judged there
    code: str = ""  # the code of the standard judged there, as the package states it
    match: str = DIRECT  # how it matches the criterion here (DIRECT, EXACT or NEAR)
    source_text: str = ""  # for an equivalent: the text of the criterion judged there

    @property
    def source(self) -> str:
        """The criterion judged there, as "CPC 509 C2"."""
        return f"{self.code or self.standard} {self.reference}".strip()

    @property
    def match_label(self) -> str:
        """How it was matched, in words."""
        judged = "Met" if self.met else "Judged (not met)"
        if self.match == EXACT:
            return f"{judged} elsewhere as {self.source} (equivalent, identical text)"
        if self.match == NEAR:
            return (
                f"{judged} elsewhere as {self.source} (equivalent, near-identical text: "
                "the texts differ slightly)"
            )
        return "The same criterion (matched by its CASE identifier)"

    @property
    def how(self) -> str:
        """How it was matched, for a record: "the same criterion", "an equivalent …"."""
        if self.match == EXACT:
            return "an equivalent criterion with identical text"
        if self.match == NEAR:
            return "an equivalent criterion whose text differs slightly"
        return "the same criterion"


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
    codes = {s["identifier"]: s.get("code") or "" for s in manifest["standards"]}
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
                    identifier=judgement["identifier"],
                    code=codes.get(enrolment["standard"], ""),
                )
            )
    return found


def _documents(transfers: Iterable[TransferredPortfolio]) -> set[str]:
    """The CFDocument identifiers of the standards the packages judged criteria of."""
    return {s["identifier"] for t in transfers for s in t.manifest["standards"]}


@dataclass
class _Source:
    """A criterion of another standard loaded here, judged in a package, equivalent to a
    criterion of a standard the learner is enrolled on here."""

    identifier: str
    match: str
    text: str


def _equivalent_sources(
    identifiers: set[str], *, documents: set[str], enrolled: set[int], centre_id: int
) -> dict[int, list[_Source]]:
    """By criterion id of the ``enrolled`` standards: the transferred ``identifiers`` that are
    criteria of another standard loaded here (one of the packages' ``documents``, visible to the
    centre) in an equivalence group with it. Two queries, none when nothing is left to match."""
    if not identifiers or not enrolled:
        return {}
    sources = {}
    for standard in (
        standards_visible_to_centre(centre_id)
        .exclude(pk__in=enrolled)
        .only("pk", "slug", "case_identifier")
    ):
        document = case.document_identifier(standard)
        if str(document) in documents:
            sources[standard.pk] = document
    if not sources:
        return {}
    criteria = (
        Criterion.objects.filter(
            standard_id__in=sources, equivalence_groups__criteria__standard_id__in=enrolled
        )
        .annotate(
            target_id=F("equivalence_groups__criteria__id"),
            equivalence_match=F("equivalence_groups__match"),
        )
        .only("pk", "standard_id", "reference", "case_identifier", "text")
        .order_by("standard_id", "kind", "order")
    )
    found: dict[int, dict[str, _Source]] = defaultdict(dict)
    for criterion in criteria:
        identifier = str(case.item_identifier(criterion, sources[criterion.standard_id]))
        if identifier not in identifiers:
            continue
        known = found[criterion.target_id].get(identifier)
        if known is None or MATCH_RANK[criterion.equivalence_match] < MATCH_RANK[known.match]:
            found[criterion.target_id][identifier] = _Source(
                identifier, criterion.equivalence_match, criterion.text
            )
    return {target: list(by_identifier.values()) for target, by_identifier in found.items()}


def _matched(
    enrolments: list[Enrolment],
    found: dict[str, list[Achievement]],
    *,
    documents: set[str],
    centre_id: int,
) -> tuple[list[CriterionHistory], set[str]]:
    """Per criterion of the ``enrolments``' standards, the achievements ``found`` for it: by
    the same identifier first, then through equivalences; and the identifiers matched."""
    by_standard: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(
        standard_id__in={e.standard_id for e in enrolments}
    ).order_by("kind", "order"):
        by_standard[criterion.standard_id].append(criterion)
    documents_of = {e.standard_id: case.document_identifier(e.standard) for e in enrolments}
    identifiers: dict[int, str] = {}
    for enrolment in enrolments:
        for criterion in by_standard[enrolment.standard_id]:
            criterion.standard = enrolment.standard
            identifiers[criterion.pk] = str(
                case.item_identifier(criterion, documents_of[enrolment.standard_id])
            )
    matched = set(identifiers.values())
    equivalents = _equivalent_sources(
        set(found) - matched,
        documents=documents,
        enrolled=set(by_standard),
        centre_id=centre_id,
    )
    rows = []
    for enrolment in enrolments:
        for criterion in by_standard[enrolment.standard_id]:
            achievements = list(found.get(identifiers[criterion.pk], []))
            for source in sorted(
                equivalents.get(criterion.pk, []), key=lambda s: MATCH_RANK[s.match]
            ):
                matched.add(source.identifier)
                achievements.extend(
                    replace(a, match=source.match, source_text=source.text)
                    for a in found.get(source.identifier, [])
                )
            rows.append(CriterionHistory(enrolment, criterion, achievements))
    return rows, matched


def transfer_match(learner: User, centre: Centre) -> TransferMatch:
    """Per criterion of the learner's enrolments at ``centre``, what was judged elsewhere: of
    the same criterion (same CASE identifier), or of an equivalent criterion of another
    standard loaded here; judgements matched neither way are ``unmatched``. Three queries,
    five when some judgement is not of a criterion of the learner's standards here."""
    transfers = list(transfers_of(learner, centre))
    found: dict[str, list[Achievement]] = defaultdict(list)
    for transfer in transfers:
        for identifier, achievements in _achievements(transfer).items():
            found[identifier].extend(achievements)
    enrolments = list(
        Enrolment.objects.filter(learner=learner, centre=centre)
        .select_related("standard")
        .order_by("start_date", "pk")
    )
    rows, matched = _matched(
        enrolments, found, documents=_documents(transfers), centre_id=centre.pk
    )
    unmatched = [
        a for identifier, items in found.items() if identifier not in matched for a in items
    ]
    return TransferMatch(rows=rows, unmatched=unmatched)


# Recognising prior learning (``portal.transfer.recognition``): which criteria may be.


def enrolment_history(
    transfer: TransferredPortfolio, enrolment: Enrolment
) -> list[CriterionHistory]:
    """Per criterion of the enrolment's standard, what ``transfer`` judged of it or of an
    equivalent criterion (as ``transfer_match``; one query, three with equivalences)."""
    rows, _matched_identifiers = _matched(
        [enrolment],
        _achievements(transfer),
        documents=_documents([transfer]),
        centre_id=enrolment.centre_id,
    )
    return rows


def met_here(enrolments: Iterable[Enrolment]) -> set[tuple[int, int]]:
    """(enrolment, criterion) pairs met here, by ``review.status``'s rule (one query)."""
    return set(
        CriterionJudgement.objects.filter(
            met_judgements_q(), enrolment_id__in=[e.pk for e in enrolments]
        ).values_list("enrolment_id", "criterion_id")
    )


def recognised_here(learner: User, centre: Centre) -> dict[int, Mapping]:
    """By criterion id: the confirmed mapping of a prior-learning item made from one of the
    learner's transferred portfolios at ``centre`` (with its item, recognition and assessor),
    while that item counts as evidence (one query)."""
    mappings = (
        Mapping.objects.filter(
            confirmed=True,
            item__recognition__transfer__learner=learner,
            item__recognition__transfer__centre=centre,
            item__status__in=COUNTED_ITEM_STATUSES,
        )
        .select_related("item__recognition__recognised_by")
        .order_by("item__sequence")
    )
    return {mapping.criterion_id: mapping for mapping in mappings}


@dataclass
class Recognisable:
    """What the enrolment's assessor may recognise from one transferred portfolio: criteria
    of the unit judged met there, neither met nor already recognised here."""

    enrolment: Enrolment
    transfer: TransferredPortfolio
    options: list[tuple[Criterion, Achievement]]

    @property
    def identical(self) -> list[tuple[Criterion, Achievement]]:
        """The options judged there as the same criterion or one with identical text."""
        return [(c, a) for c, a in self.options if a.match != NEAR]

    @property
    def near(self) -> list[tuple[Criterion, Achievement]]:
        """The options judged there as an equivalent criterion whose text differs slightly."""
        return [(c, a) for c, a in self.options if a.match == NEAR]


def recognisable(
    rows: Iterable[CriterionHistory],
    *,
    met: set[tuple[int, int]],
    recognised: dict[int, Mapping],
) -> list[Recognisable]:
    """``rows`` (of ``transfer_match`` or ``enrolment_history``) grouped by enrolment and
    transfer into what may be recognised; each criterion once, with the judgement that said
    met of the closest match (the same criterion, then identical text, then near-identical),
    the latest of those."""
    groups: dict[tuple[int, int], Recognisable] = {}
    for row in rows:
        if (row.enrolment.pk, row.criterion.pk) in met or row.criterion.pk in recognised:
            continue
        latest: dict[int, Achievement] = {}
        for achievement in row.achievements:
            if achievement.met:
                previous = latest.get(achievement.transfer.pk)
                if previous is None or _closer(achievement, previous):
                    latest[achievement.transfer.pk] = achievement
        for achievement in latest.values():
            key = (row.enrolment.pk, achievement.transfer.pk)
            group = groups.setdefault(key, Recognisable(row.enrolment, achievement.transfer, []))
            group.options.append((row.criterion, achievement))
    return list(groups.values())


def _closer(achievement: Achievement, than: Achievement) -> bool:
    rank, other = MATCH_RANK[achievement.match], MATCH_RANK[than.match]
    return rank < other or (rank == other and achievement.decided_at > than.decided_at)
