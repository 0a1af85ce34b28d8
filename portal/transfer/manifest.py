"""The package's ``manifest.json``: what a learner's portfolio contains, machine-readable.

Built from ``portal.portfolio.selectors.portfolio_data`` (the same reads as the PDF), with
standards as CASE references (``standards.case``: document identifier, URI; criteria by
CFItem identifier and reference) so another installation can match criteria by identifier,
and the learner's record entries with every hashed field, so each ``entry_hash`` can be
recomputed by the receiver. Validated against ``schema/manifest.schema.json`` on export and
on import.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from assessments.models import RecordEntry
from assessments.record import RecordHead
from portal.portfolio.selectors import PortfolioData
from standards import case

FORMAT = "competence-portfolio-transfer/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "manifest.schema.json"


def _when(moment: datetime.datetime | datetime.date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC).isoformat()
    return moment.isoformat()


def _name(user: Any) -> str | None:
    return user.display_name if user is not None else None


def entry_document(entry: RecordEntry) -> dict[str, Any]:
    """Every field ``entry_hash`` covers, under the names ``RecordEntry.canonical_of`` uses."""
    return {
        "centre": entry.centre_id,
        "sequence": entry.sequence,
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "recorded_at": _when(entry.recorded_at),
        "action": entry.action,
        "enrolment": entry.enrolment_id,
        "payload": entry.payload,
        "file_hashes": list(entry.file_hashes),
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def build(
    data: PortfolioData, *, exported_at: datetime.datetime, head: RecordHead | None
) -> dict[str, Any]:
    standards: dict[int, dict[str, Any]] = {}
    criterion_refs: dict[int, dict[str, str]] = {}
    for block in data.blocks:
        standard = block.enrolment.standard
        if standard.pk in standards:
            continue
        document = case.document_identifier(standard)
        criteria = []
        for group in block.performance + block.knowledge:
            for row in group.rows:
                ref = {
                    "identifier": str(case.item_identifier(row.criterion, document)),
                    "reference": row.criterion.reference,
                }
                criterion_refs[row.criterion.pk] = ref
                criteria.append(ref | {"kind": row.criterion.kind})
        standards[standard.pk] = {
            "identifier": str(document),
            "uri": case.uri("CFDocuments", document),
            "code": standard.code,
            "title": standard.title,
            "version": str(standard.version),
            "criteria": criteria,
        }
    enrolments = []
    for block in data.blocks:
        enrolment = block.enrolment
        judgements = [
            criterion_refs[row.criterion.pk]
            | {
                "met": row.judgement.met,
                "rationale": row.judgement.rationale,
                "decided_by": _name(row.judgement.decided_by),
                "decided_at": _when(row.judgement.decided_at),
            }
            for group in block.performance + block.knowledge
            for row in group.rows
            if row.judgement is not None
        ]
        enrolments.append(
            {
                "id": enrolment.pk,
                "standard": standards[enrolment.standard_id]["identifier"],
                "status": enrolment.status,
                "state": block.state.value,
                "start_date": _when(enrolment.start_date),
                "assessor": _name(enrolment.assessor),
                "iqa": _name(enrolment.iqa),
                "judgements": judgements,
                "plans": [
                    {
                        "version": plan.version,
                        "activities": plan.activities,
                        "drafted_by": _name(plan.drafted_by),
                        "drafted_at": _when(plan.drafted_at),
                        "assessor_signed_at": _when(plan.assessor_signed_at),
                        "learner_signed_at": _when(plan.learner_signed_at),
                    }
                    for plan in block.plans
                ],
                "sign_offs": [
                    {
                        "assessor": _name(sign_off.assessor),
                        "signed_at": _when(sign_off.signed_at),
                        "countersigned_at": _when(sign_off.countersigned_at),
                        "iqa_verified_by": sign_off.iqa_verified_by_id
                        and _name(sign_off.iqa_verified_by),
                        "iqa_verified_at": _when(sign_off.iqa_verified_at),
                        "reopened_at": _when(sign_off.reopened_at),
                        "reopen_reason": sign_off.reopen_reason,
                    }
                    for sign_off in block.sign_offs
                ],
            }
        )
    mappings_by_item: dict[int, dict[int, Any]] = {}
    for block in data.blocks:
        for group in block.performance + block.knowledge:
            for row in group.rows:
                for mapping in row.mappings:
                    mappings_by_item.setdefault(mapping.item_id, {})[mapping.pk] = mapping
    evidence = []
    for row in data.items:
        item = row.item
        mappings = [
            criterion_refs[m.criterion_id]
            | {
                "confirmed": m.confirmed,
                "method": m.method,
                "confirmed_by": _name(m.confirmed_by),
                "confirmed_at": _when(m.confirmed_at),
            }
            for m in sorted(mappings_by_item.get(item.pk, {}).values(), key=lambda m: m.pk)
        ]
        evidence.append(
            {
                "reference": item.reference,
                "title": row.content.title,
                "method": item.evidence_type,
                "status": item.status,
                "occurred_on": _when(item.occurred_on),
                "submitted_at": _when(item.submitted_at),
                "version": item.version,
                "assessed_version": row.version.number if row.version else None,
                "disposed": item.is_disposed,
                "files": [
                    {
                        "sha256": f.file.sha256,
                        "size": f.file.size,
                        "name": f.file.original_name,
                        "media_type": f.file.media_type,
                    }
                    for f in row.files
                ],
                "mappings": mappings,
            }
        )
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": _when(exported_at),
        "installation": settings.SITE_URL,
        "learner": {"username": data.learner.username, "name": data.learner.display_name},
        "centre": {"id": data.centre.pk, "name": data.centre.name},
        "standards": list(standards.values()),
        "enrolments": enrolments,
        "evidence": evidence,
        "record": [entry_document(entry) for entry in data.record],
        "record_head": (
            {"sequence": head.sequence, "entry_hash": head.entry_hash} if head else None
        ),
    }
    return manifest


def dumps(manifest: dict[str, Any]) -> bytes:
    """The signed bytes: sorted keys, compact, UTF-8."""
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def schema_problems(manifest: Any) -> list[str]:
    """Where ``manifest`` breaks the schema, as "path: message" lines (empty if valid)."""
    problems = []
    for error in sorted(_validator().iter_errors(manifest), key=lambda e: list(e.path)):
        path = "/".join(str(part) for part in error.path) or "(top)"
        problems.append(f"{path}: {error.message[:200]}")
    return problems[:20]
