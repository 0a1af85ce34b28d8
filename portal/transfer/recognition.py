"""Writes for recognising prior learning: the new assessor accepts what another centre
already judged met, from a learner's transferred portfolio.

``prior_learning_recognise`` makes one assessor's record of type "prior learning" on the
unit (numbered with the learner's evidence, ``review.assessor_evidence``), with the
transferred portfolio's PDF as its file (through the evidence upload path: hashed, checked
and, where a scanner is configured, scanned), mapped with confirmed "prior learning"
mappings to the recognised criteria; the assessor accepts it (``evidence_accept``) and
judges each criterion met with their rationale (``criterion_judge``), all in one
transaction, each step writing its record entry. A ``Recognition`` links the item to the
transfer.

A criterion may be recognised from a judgement of the same criterion there (the same CASE
identifier) or of an equivalent criterion of another standard (``transfer_match``: identical
or near-identical text); the description and the "recorded" entry say, per criterion, which
transferred criterion it was recognised from and by which match.

The item is accepted at once rather than awaiting the learner's acknowledgement: the
acknowledgement confirms the assessor's account of something only the two of them saw,
whereas here the source is a record whose signature and hashes were checked on import, and
what is decided is the assessor's acceptance of another centre's decisions. While a malware
scan of the PDF is still running the item cannot be accepted (``scan_refusal``): it is then
left submitted, mapped, and the assessor accepts it and judges the criteria from the review
page and the grid once the check is done.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.errors import WrongStateError
from assessments.models import Enrolment
from evidence import services as evidence_services
from evidence.filetypes import Refused
from evidence.models import EvidenceFile, EvidenceItem
from portal.transfer.models import Recognition, TransferredPortfolio
from portal.transfer.selectors import (
    Achievement,
    enrolment_history,
    met_here,
    recognisable,
    recognised_here,
)
from review.assessor_evidence import assessor_record_create, assessor_record_finish
from review.services import criterion_judge, evidence_accept
from standards.models import Criterion

PDF_NAME = "transferred-portfolio.pdf"


def recognition_refusal(enrolment: Enrolment) -> str:
    """Why nothing can be recognised on the unit now, or "" (the page asks it too)."""
    if enrolment.status != Enrolment.Status.ACTIVE:
        return "Prior learning can be recognised only on an active enrolment."
    if assessment_services.enrolment_is_locked(enrolment):
        return (
            "This unit is signed off, so its evidence, mappings and decisions are locked. "
            "Only a centre admin can reopen it."
        )
    return ""


def _chosen(
    *, transfer: TransferredPortfolio, enrolment: Enrolment, criteria: Iterable[Criterion]
) -> list[tuple[Criterion, Achievement]]:
    """The chosen criteria with the transfer's "met" judgement of each; a refusal naming
    every criterion that may not be recognised."""
    wanted = list({c.pk: c for c in criteria}.values())
    if not wanted:
        raise WrongStateError({"criteria": "Choose at least one criterion to recognise."})
    rows = enrolment_history(transfer, enrolment)
    met = met_here([enrolment])
    recognised = recognised_here(enrolment.learner, enrolment.centre)
    allowed = {
        criterion.pk: (criterion, achievement)
        for group in recognisable(rows, met=met, recognised=recognised)
        if group.transfer.pk == transfer.pk
        for criterion, achievement in group.options
    }
    problems = []
    for criterion in wanted:
        if criterion.standard_id != enrolment.standard_id:
            problems.append(f"{criterion.reference} is not a criterion of this unit.")
        elif (enrolment.pk, criterion.pk) in met:
            problems.append(f"{criterion.reference} is already judged met here.")
        elif criterion.pk in recognised:
            item = recognised[criterion.pk].item
            problems.append(f"{criterion.reference} is already recognised here ({item.reference}).")
        elif criterion.pk not in allowed:
            problems.append(
                f"{criterion.reference} was not judged met in the portfolio transferred from "
                f"{transfer.source_centre}, nor was an equivalent criterion."
            )
    if problems:
        raise WrongStateError({"criteria": problems})
    return [allowed[c.pk] for c in sorted(wanted, key=lambda c: (c.kind, c.order))]


def _description(
    transfer: TransferredPortfolio,
    chosen: list[tuple[Criterion, Achievement]],
    *,
    rationale: str,
    key_confirmed: bool,
) -> str:
    lines = [f"Recognised from the portfolio transferred from {transfer.source_centre}."]
    for criterion, achievement in chosen:
        evidence = "; ".join(
            f"{e['reference']} {e['title']} ({e['method']})" for e in achievement.evidence
        )
        lines.append(
            f"{criterion.reference}: recognised from {achievement.source} "
            f"({achievement.how}), judged met at {transfer.source_centre} by "
            f"{achievement.decided_by or 'an assessor'} on {achievement.decided_at[:10]}"
            + (f" (“{achievement.rationale}”)" if achievement.rationale else "")
            + (f"; evidence there: {evidence}" if evidence else "")
            + "."
        )
    if transfer.trusted_key:
        key = f"signed with the trusted key {transfer.key_id}"
    else:
        key = f"signed with the key {transfer.key_id}, not trusted here" + (
            "; the assessor confirmed the key id with the sending centre" if key_confirmed else ""
        )
    return "\n\n".join(
        [
            "\n".join(lines),
            f"Package: manifest SHA-256 {transfer.manifest_sha256}, {key}; imported "
            f"{timezone.localtime(transfer.imported_at):%Y-%m-%d}.",
            f"Why it is accepted here: {rationale}",
        ]
    )


def prior_learning_recognise(
    *,
    transfer: TransferredPortfolio,
    enrolment: Enrolment,
    criteria: Iterable[Criterion],
    assessor: Any,
    rationale: str,
    key_confirmed: bool = False,
) -> Recognition:
    """Recognise the chosen criteria, judged met in ``transfer``, as met here by prior
    learning (see the module's docstring). Refused, with nothing written, unless the
    assessor is the enrolment's, the unit is active and open, the transfer is the same
    learner's at the same centre, a rationale is given, an untrusted key was confirmed, and
    every criterion is of this unit, judged met there and neither met nor recognised here."""
    assessment_services.require_assessor(enrolment, assessor)
    if refusal := recognition_refusal(enrolment):
        raise WrongStateError(refusal)
    if transfer.learner_id != enrolment.learner_id or transfer.centre_id != enrolment.centre_id:
        raise WrongStateError("That transferred portfolio is not this learner's at this centre.")
    errors: dict[str, str] = {}
    rationale = rationale.strip()
    if not rationale:
        errors["rationale"] = (
            "Say why the earlier decisions are accepted here: is the evidence still current "
            "and sufficient for this unit?"
        )
    if not transfer.trusted_key and not key_confirmed:
        errors["key_confirmed"] = (
            f"The package was signed with a key this installation does not trust "
            f"({transfer.key_id}). Check the key id with the sending centre and confirm it."
        )
    if errors:
        raise WrongStateError(errors)
    chosen = _chosen(transfer=transfer, enrolment=enrolment, criteria=criteria)
    now = timezone.now()
    decided = [datetime.date.fromisoformat(a.decided_at[:10]) for _c, a in chosen if a.decided_at]
    today = timezone.localdate()
    occurred_on = min(max(decided), today) if decided else today
    stored: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            item = assessor_record_create(
                enrolment=enrolment,
                assessor=assessor,
                evidence_type=EvidenceItem.Type.PRIOR_LEARNING,
                title=f"Prior learning: {transfer.source_centre}"[:200],
                occurred_on=occurred_on,
                description=_description(
                    transfer, chosen, rationale=rationale, key_confirmed=key_confirmed
                ),
            )
            try:
                with transfer.pdf.open("rb") as pdf:
                    stored.append(
                        evidence_services.evidence_file_add(
                            item=item, upload=pdf, original_name=PDF_NAME, size=transfer.pdf.size
                        )
                    )
            except Refused as error:
                raise WrongStateError(f"The transferred portfolio's PDF: {error}") from error
            assessor_record_finish(
                item=item,
                assessor=assessor,
                criteria=[criterion for criterion, _a in chosen],
                status=EvidenceItem.Status.SUBMITTED,
                record={
                    "transfer": {
                        "source_centre": transfer.source_centre,
                        "manifest_sha256": transfer.manifest_sha256,
                        "key_id": transfer.key_id,
                        "trusted_key": transfer.trusted_key,
                        "key_confirmed": key_confirmed,
                    },
                    "recognised_from": [
                        {
                            "criterion": criterion.reference,
                            "standard": achievement.code or achievement.standard,
                            "reference": achievement.reference,
                            "identifier": achievement.identifier,
                            "match": achievement.match,
                        }
                        for criterion, achievement in chosen
                    ],
                },
            )
            recognition = Recognition(
                transfer=transfer,
                item=item,
                enrolment=enrolment,
                recognised_by=assessor,
                recognised_at=now,
                rationale=rationale,
                key_confirmed=key_confirmed and not transfer.trusted_key,
            )
            recognition.full_clean()
            recognition.save()
            if not evidence_services.scan_refusal(item):
                evidence_accept(item=item, assessor=assessor, feedback=rationale)
                for criterion, _achievement in chosen:
                    criterion_judge(
                        enrolment=enrolment,
                        criterion=criterion,
                        assessor=assessor,
                        met=True,
                        rationale=f"Prior learning ({item.reference}): {rationale}",
                    )
    except BaseException:
        evidence_services.evidence_files_discard(stored)
        raise
    item.refresh_from_db()  # accepted through its own service, on a fresh copy
    return recognition
