"""Standards in and out as CASE 1.0 (1EdTech Competencies and Academic Standards Exchange).

A standard is one CFPackage: the standard is the CFDocument; its groups (elements, knowledge
headings) and criteria are CFItems; ``isChildOf`` associations give the structure, with
sequence numbers for the order. Equivalent criteria of other standards become ``exactMatchOf``
(identical text) or ``isRelatedTo`` (near-identical) associations, and the old CPC 509 unit's
correspondence to SCDCPC509 becomes ``replacedBy``, for the documents and for each pair of
corresponding criteria.

Identifiers are stable: a standard loaded in our own format gets a UUID derived from its slug,
and its groups and criteria UUIDs derived from the document's UUID and their kind, order or
reference, so exporting twice gives the same package. A standard imported from a CASE package
keeps the identifiers the package gave. URIs point at this portal's CASE endpoints.

Nothing is invented: a criterion whose text the source lost is exported with an empty
``fullStatement`` and a ``notes`` explanation; a partly lost one with the surviving words and a
note; a standard that states no code has none (``extensions.code`` is empty and says so).

Importing reads a package into the same validation and the same single transaction as our own
format (``standards.services.standards_import``), with problems located in CASE terms
(``CFItems[4] ("P3")``). The published schema is kept in ``standards/schemas/``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from jsonschema import Draft7Validator, FormatChecker

from standards.equivalence import PERFORMANCE_CORRESPONDENCE
from standards.importer import CRITERION, GROUP, STANDARD, Problem
from standards.models import (
    MISSING_TEXT_LABEL,
    UNKNOWN_CODE_LABEL,
    Criterion,
    CriterionGroup,
    EquivalenceGroup,
    Kind,
    Standard,
    TextStatus,
)

#: The namespace of every identifier this portal derives (fixed forever: changing it would
#: change every exported identifier).
CASE_NAMESPACE = uuid.UUID("82fd659a-e909-490c-9c71-70c5836483d1")
#: Where the CASE endpoints live, as the CASE REST binding names them.
API_PATH = "/ims/case/v1p0"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "case-v1p0-cfpackage-schema.json"
#: The key of our own fields in a CFDocument or CFItem. The CASE 1.0 schema allows further
#: properties there; other systems ignore it, and a package without it imports too.
EXTENSION = "extensions"
MAX_SCHEMA_PROBLEMS = 50

ITEM_TYPES = {
    (Kind.PERFORMANCE, "group"): "Performance criteria group",
    (Kind.KNOWLEDGE, "group"): "Knowledge and understanding group",
    (Kind.PERFORMANCE, "criterion"): "Performance criterion",
    (Kind.KNOWLEDGE, "criterion"): "Knowledge item",
}
MISSING_NOTE = (
    "The text of this criterion was lost from the source document when it was extracted; "
    f"it is shown as '{MISSING_TEXT_LABEL}'. No wording has been supplied in its place."
)
PARTIAL_NOTE = (
    "Part of this text was lost from the source document when it was extracted; "
    "fullStatement holds only the words that survive. Nothing has been added."
)


# --- identifiers and URIs -------------------------------------------------------------------


def document_identifier(standard: Standard) -> uuid.UUID:
    return standard.case_identifier or uuid.uuid5(CASE_NAMESPACE, f"standard:{standard.slug}")


def group_identifier(group: CriterionGroup, document: uuid.UUID) -> uuid.UUID:
    return group.case_identifier or uuid.uuid5(document, f"group:{group.kind}:{group.order}")


def item_identifier(criterion: Criterion, document: uuid.UUID | None = None) -> uuid.UUID:
    """A criterion's CFItem identifier; what a portable portfolio matches criteria by."""
    if criterion.case_identifier:
        return criterion.case_identifier
    if document is None:
        document = document_identifier(criterion.standard)
    return uuid.uuid5(document, f"item:{criterion.reference}")


def association_identifier(origin: str, kind: str, destination: str) -> uuid.UUID:
    return uuid.uuid5(CASE_NAMESPACE, f"association:{origin}:{kind}:{destination}")


def uri(collection: str, identifier: uuid.UUID | str) -> str:
    return f"{settings.SITE_URL}{API_PATH}/{collection}/{identifier}"


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# --- export ---------------------------------------------------------------------------------


def package(standard: Standard, *, readable: QuerySet[Standard] | None = None) -> dict[str, Any]:
    """The standard as one CFPackage. Equivalences name only standards in ``readable`` (the
    reader's standards), so a centre's own standard never leaks into another's export.
    Four queries, whatever the standard's size."""
    doc_id = document_identifier(standard)
    changed = _stamp(standard.last_changed_at)
    doc_link = _link(standard.title, doc_id, "CFDocuments")
    groups = list(standard.groups.order_by("kind", "order"))
    criteria = list(standard.criteria.order_by("kind", "order"))
    group_ids = {group.pk: str(group_identifier(group, doc_id)) for group in groups}
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    for position, group in enumerate(_structure_order(groups), start=1):
        identifier = group_ids[group.pk]
        item = {
            "identifier": identifier,
            "uri": uri("CFItems", identifier),
            "fullStatement": group.title,
            "CFItemType": ITEM_TYPES[(group.kind, "group")],
            "lastChangeDateTime": changed,
            "CFDocumentURI": doc_link,
            EXTENSION: {"kind": group.kind},
        }
        if group.reference:
            item["humanCodingScheme"] = group.reference
        items.append(item)
        associations.append(
            _association(
                "isChildOf",
                _gen_link(group.title, identifier, "CFItems"),
                _gen_link(standard.title, str(doc_id), "CFDocuments"),
                changed,
                doc_link,
                sequence=position,
            )
        )
    groups_by_pk = {group.pk: group for group in groups}
    criterion_ids: dict[int, str] = {}
    for criterion in criteria:
        identifier = str(item_identifier(criterion, doc_id))
        criterion_ids[criterion.pk] = identifier
        item = {
            "identifier": identifier,
            "uri": uri("CFItems", identifier),
            "fullStatement": criterion.text,
            "humanCodingScheme": criterion.reference,
            "listEnumeration": str(criterion.order),
            "CFItemType": ITEM_TYPES[(criterion.kind, "criterion")],
            "lastChangeDateTime": changed,
            "CFDocumentURI": doc_link,
            EXTENSION: {"textStatus": criterion.text_status},
        }
        if criterion.text_status == TextStatus.MISSING:
            item["notes"] = MISSING_NOTE
        elif criterion.text_status == TextStatus.PARTIAL:
            item["notes"] = PARTIAL_NOTE
        items.append(item)
        group = groups_by_pk[criterion.group_id]
        associations.append(
            _association(
                "isChildOf",
                _gen_link(_label(criterion), identifier, "CFItems"),
                _gen_link(group.title, group_ids[group.pk], "CFItems"),
                changed,
                doc_link,
                sequence=criterion.order,
            )
        )
    associations += _equivalences(standard, criteria, criterion_ids, changed, doc_link, readable)
    associations.sort(key=lambda a: (a["associationType"] != "isChildOf", a["identifier"]))
    return {
        "CFDocument": _document(standard, doc_id, changed),
        "CFItems": items,
        "CFAssociations": associations,
    }


def _structure_order(groups: list[CriterionGroup]) -> list[CriterionGroup]:
    """Performance groups first, then knowledge, each in their printed order."""
    rank = {Kind.PERFORMANCE: 0, Kind.KNOWLEDGE: 1}
    return sorted(groups, key=lambda group: (rank.get(group.kind, 2), group.order))


def package_document(standard: Standard) -> dict[str, Any]:
    """The CFDocument alone, as its own URI serves it."""
    return _document(standard, document_identifier(standard), _stamp(standard.last_changed_at))


def _document(standard: Standard, doc_id: uuid.UUID, changed: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "identifier": str(doc_id),
        "uri": uri("CFDocuments", doc_id),
        "CFPackageURI": _link(standard.title, doc_id, "CFPackages"),
        "creator": standard.developer or "Not stated in the source document",
        "title": standard.title,
        "lastChangeDateTime": changed,
        "language": "en",
    }
    if standard.version:
        document["version"] = standard.version
    if standard.status:
        document["adoptionStatus"] = standard.status
    if standard.overview:
        document["description"] = standard.overview
    if standard.suite:
        document["subject"] = [standard.suite]
    if standard.notes:
        document["notes"] = standard.notes
    document[EXTENSION] = {
        "slug": standard.slug,
        "code": standard.code,
        "codeStatus": "stated" if standard.code else UNKNOWN_CODE_LABEL,
        "sourceDocument": standard.source_document,
        "developer": standard.developer,
        "suite": standard.suite,
        "status": standard.status,
        "approved": standard.approved,
        "review": standard.review,
        "scope": standard.scope,
        "values": standard.values,
        "glossary": standard.glossary,
        "simulationAllowed": standard.simulation_allowed,
    }
    return document


def _label(criterion: Criterion) -> str:
    return f"{criterion.standard.display_code} {criterion.reference}"


def _link(title: str, identifier: uuid.UUID | str, collection: str) -> dict[str, str]:
    return {"title": title, "identifier": str(identifier), "uri": uri(collection, identifier)}


def _gen_link(title: str, identifier: str, collection: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": uri(collection, identifier)}


def _association(
    kind: str,
    origin: dict[str, str],
    destination: dict[str, str],
    changed: str,
    doc_link: dict[str, str],
    *,
    sequence: int | None = None,
) -> dict[str, Any]:
    identifier = str(association_identifier(origin["identifier"], kind, destination["identifier"]))
    association: dict[str, Any] = {
        "identifier": identifier,
        "uri": uri("CFAssociations", identifier),
        "associationType": kind,
        "originNodeURI": origin,
        "destinationNodeURI": destination,
        "lastChangeDateTime": changed,
        "CFDocumentURI": doc_link,
    }
    if sequence is not None:
        association["sequenceNumber"] = sequence
    return association


def _equivalences(
    standard: Standard,
    criteria: list[Criterion],
    criterion_ids: dict[int, str],
    changed: str,
    doc_link: dict[str, str],
    readable: QuerySet[Standard] | None,
) -> list[dict[str, Any]]:
    """exactMatchOf / isRelatedTo for equivalent criteria of other readable standards, and
    replacedBy for the CPC 509 -> SCDCPC509 correspondence (criteria and documents)."""
    own = {criterion.pk: criterion for criterion in criteria}
    groups = (
        EquivalenceGroup.objects.filter(criteria__standard=standard)
        .distinct()
        .prefetch_related("criteria__standard")
    )
    visible = set(readable.values_list("pk", flat=True)) if readable is not None else None
    found: dict[str, dict[str, Any]] = {}
    correspondence = set(PERFORMANCE_CORRESPONDENCE)
    old_slug, new_slug = PERFORMANCE_CORRESPONDENCE
    partners: dict[int, Standard] = {}
    for group in groups:
        members = list(group.criteria.all())
        for mine in (c for c in members if c.pk in own):
            for other in members:
                if other.standard_id == standard.pk:
                    continue
                if visible is not None and other.standard_id not in visible:
                    continue
                mine_link = _gen_link(_label(own[mine.pk]), criterion_ids[mine.pk], "CFItems")
                other_link = _gen_link(_label(other), str(item_identifier(other)), "CFItems")
                pair = {standard.slug, other.standard.slug}
                if group.kind == Kind.PERFORMANCE and pair == correspondence:
                    partners[other.standard_id] = other.standard
                    old, new = (
                        (mine_link, other_link)
                        if standard.slug == old_slug
                        else (other_link, mine_link)
                    )
                    association = _association("replacedBy", old, new, changed, doc_link)
                else:
                    kind = "exactMatchOf" if group.match == "exact" else "isRelatedTo"
                    association = _association(kind, mine_link, other_link, changed, doc_link)
                found[association["identifier"]] = association
    for partner in partners.values():
        docs = {
            each.slug: _gen_link(each.title, str(document_identifier(each)), "CFDocuments")
            for each in (standard, partner)
        }
        association = _association("replacedBy", docs[old_slug], docs[new_slug], changed, doc_link)
        found[association["identifier"]] = association
    return list(found.values())


def dumps(data: dict[str, Any]) -> str:
    """The package as served and saved: stable key order, UTF-8, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- validation against the published schema -----------------------------------------------


@cache
def _validator() -> Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=FormatChecker())


def schema_problems(document: Any) -> list[Problem]:
    """Where the package breaks the CASE 1.0 CFPackage schema, each with its JSON path."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    problems = [Problem(_path(error.absolute_path), _message(error)) for error in errors]
    if len(problems) > MAX_SCHEMA_PROBLEMS:
        more = len(problems) - MAX_SCHEMA_PROBLEMS
        problems = [
            *problems[:MAX_SCHEMA_PROBLEMS],
            Problem("file", f"{more:,} more problems not listed; fix these first"),
        ]
    return problems


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "file"


def _message(error: Any) -> str:
    message = str(error.message)
    if len(message) > 200:
        message = message[:200] + "…"
    return f"does not follow the CASE 1.0 schema: {message}"


# --- import ---------------------------------------------------------------------------------


def is_package(document: Any) -> bool:
    return isinstance(document, dict) and "CFDocument" in document


@dataclass
class Converted:
    """A CFPackage turned into our own format, with where each object came from."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    document_identifier: str = ""
    last_changed_at: datetime | None = None
    group_identifiers: dict[tuple[str, int], str] = field(default_factory=dict)
    item_identifiers: dict[str, str] = field(default_factory=dict)  # reference -> identifier
    ignored_associations: int = 0

    def locate(self, problem: Problem) -> Problem:
        """A problem found in the converted objects, located in the package instead."""
        match = re.match(r"objects\[(\d+)\](?: \([^)]*\))?", problem.location)
        if match and int(match.group(1)) < len(self.locations):
            where = self.locations[int(match.group(1))] + problem.location[match.end() :]
            return Problem(where, problem.message)
        return problem


def convert(document: dict[str, Any]) -> tuple[Converted, list[Problem]]:
    """A schema-valid CFPackage as our own format. The package's tree must be two levels
    deep below the document (groups, then criteria), as a NOS is; every criterion needs its
    printed reference in ``humanCodingScheme``."""
    converted = Converted()
    problems: list[Problem] = []
    doc = document["CFDocument"]
    items: list[dict[str, Any]] = document.get("CFItems", [])
    associations: list[dict[str, Any]] = document.get("CFAssociations", [])
    doc_id = doc["identifier"]
    converted.document_identifier = doc_id
    converted.last_changed_at = parse_datetime(doc["lastChangeDateTime"])
    where_item: dict[str, str] = {}
    by_id: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(items):
        label = item.get("humanCodingScheme") or item["fullStatement"][:40]
        where = f"CFItems[{index}] ({json.dumps(label, ensure_ascii=False)})"
        if item["identifier"] in by_id or item["identifier"] == doc_id:
            problems.append(Problem(where, f"identifier {item['identifier']} is used twice"))
            continue
        by_id[item["identifier"]] = item
        where_item[item["identifier"]] = where
    parent: dict[str, tuple[str, int, int]] = {}  # child -> (parent, sequence, position)
    for index, association in enumerate(associations):
        origin = association["originNodeURI"]["identifier"]
        destination = association["destinationNodeURI"]["identifier"]
        if association["associationType"] != "isChildOf":
            converted.ignored_associations += 1
            continue
        where = f"CFAssociations[{index}]"
        if origin not in by_id or (destination not in by_id and destination != doc_id):
            problems.append(Problem(where, "isChildOf links an item that is not in this package"))
            continue
        if origin in parent:
            problems.append(Problem(where, f"{where_item[origin]} has two parents"))
            continue
        parent[origin] = (destination, association.get("sequenceNumber", 0), index)
    groups = [i for i, (p, _, _) in parent.items() if p == doc_id]
    group_set = set(groups)
    criteria = [i for i, (p, _, _) in parent.items() if p in group_set]
    for identifier, where in where_item.items():
        if identifier not in parent:
            problems.append(
                Problem(where, "is not placed in the standard: no isChildOf association")
            )
        elif identifier not in group_set and parent[identifier][0] not in group_set:
            problems.append(
                Problem(
                    where,
                    "is nested more than two levels below the document; a standard has "
                    "groups (elements or knowledge headings) holding criteria, nothing deeper",
                )
            )
    if problems:
        return converted, problems
    standard_fields = _standard_fields(doc, problems)
    if problems:
        return converted, problems
    slug = standard_fields["slug"]
    converted.objects.append({"model": STANDARD, "fields": standard_fields})
    converted.locations.append("CFDocument")
    kinds = {g: _group_kind(by_id[g]) for g in groups}
    group_order: dict[str, int] = {}
    counters: dict[str, int] = defaultdict(int)
    for group in sorted(groups, key=lambda g: (parent[g][1], parent[g][2])):
        counters[kinds[group]] += 1
        group_order[group] = counters[kinds[group]]
        item = by_id[group]
        converted.objects.append(
            {
                "model": GROUP,
                "fields": {
                    "standard": [slug],
                    "kind": kinds[group],
                    "order": group_order[group],
                    "title": item["fullStatement"],
                    "reference": item.get("humanCodingScheme", ""),
                },
            }
        )
        converted.locations.append(where_item[group])
        converted.group_identifiers[(kinds[group], group_order[group])] = group
    counters.clear()

    def criterion_key(c: str) -> tuple[int, int, int]:
        group = parent[c][0]
        return (group_order[group], parent[c][1], parent[c][2])

    for criterion in sorted(criteria, key=criterion_key):
        item = by_id[criterion]
        group = parent[criterion][0]
        kind = kinds[group]
        counters[kind] += 1
        reference = item.get("humanCodingScheme", "")
        if not reference:
            problems.append(
                Problem(
                    where_item[criterion],
                    "humanCodingScheme is missing; a criterion needs the reference the "
                    "standard prints for it (P1, A3, K12)",
                )
            )
            continue
        text = item["fullStatement"]
        status = _text_status(item)
        converted.objects.append(
            {
                "model": CRITERION,
                "fields": {
                    "standard": [slug],
                    "group": [slug, kind, group_order[group]],
                    "kind": kind,
                    "reference": reference,
                    "order": counters[kind],
                    "text": text,
                    "text_status": status,
                },
            }
        )
        converted.locations.append(where_item[criterion])
        converted.item_identifiers[reference] = criterion
    return converted, problems


def _standard_fields(doc: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    ours = doc.get(EXTENSION) if isinstance(doc.get(EXTENSION), dict) else {}

    def text(key: str, default: str = "") -> str:
        value = ours.get(key, default)
        if not isinstance(value, str):
            problems.append(Problem(f"CFDocument.{EXTENSION}.{key}", "must be a string"))
            return default
        return value

    title = doc["title"]
    version = doc.get("version", "")
    slug = text("slug") or slugify(f"{title} {version}")[:100].strip("-")
    creator = doc["creator"]
    fields = {
        "slug": slug,
        "title": title,
        "code": text("code"),
        "version": version,
        "status": text("status", doc.get("adoptionStatus", "")),
        "suite": text("suite"),
        "developer": text(
            "developer", "" if creator == "Not stated in the source document" else creator
        ),
        "approved": text("approved"),
        "review": text("review"),
        "overview": doc.get("description", ""),
        "scope": text("scope"),
        "values": text("values"),
        "glossary": text("glossary"),
        "notes": doc.get("notes", ""),
        "source_document": text("sourceDocument") or f"CASE package {doc['identifier']}"[:200],
    }
    if not isinstance(doc.get("subject", []), list | str):  # pragma: no cover - schema checks
        problems.append(Problem("CFDocument.subject", "must be a list of strings"))
    if not fields["suite"] and isinstance(doc.get("subject"), list) and doc["subject"]:
        fields["suite"] = str(doc["subject"][0])[:200]
    return fields


def _group_kind(item: dict[str, Any]) -> str:
    ours = item.get(EXTENSION)
    if isinstance(ours, dict) and ours.get("kind") in Kind.values:
        return ours["kind"]
    words = f"{item.get('CFItemType', '')} {item['fullStatement']}".lower()
    return Kind.KNOWLEDGE if "knowledge" in words else Kind.PERFORMANCE


def _text_status(item: dict[str, Any]) -> str:
    ours = item.get(EXTENSION)
    if isinstance(ours, dict) and ours.get("textStatus") in TextStatus.values:
        return ours["textStatus"]
    return TextStatus.COMPLETE if item["fullStatement"].strip() else TextStatus.MISSING


def identifier_clash(converted: Converted) -> list[Problem]:
    """A package whose document identifier another stored standard (under another slug)
    already has: refused, as two standards must never share an identifier."""
    slug = converted.objects[0]["fields"]["slug"]
    for standard in Standard.objects.only("pk", "slug", "case_identifier"):
        if standard.slug != slug and str(document_identifier(standard)) == (
            converted.document_identifier
        ):
            return [
                Problem(
                    "CFDocument.identifier",
                    f"{converted.document_identifier} is already the identifier of another "
                    "loaded standard; import it as that standard (replace) or give the "
                    "package a new identifier",
                )
            ]
    return []


def keep_identifiers(converted: Converted, standard: Standard) -> None:
    """After the write: the identifiers and change time the package gave."""
    standard.case_identifier = uuid.UUID(converted.document_identifier)
    if converted.last_changed_at is not None:
        standard.last_changed_at = converted.last_changed_at
    standard.save(update_fields=["case_identifier", "last_changed_at"])
    groups = list(standard.groups.all())
    for group in groups:
        group.case_identifier = uuid.UUID(converted.group_identifiers[(group.kind, group.order)])
    CriterionGroup.objects.bulk_update(groups, ["case_identifier"])
    criteria = list(standard.criteria.all())
    for criterion in criteria:
        criterion.case_identifier = uuid.UUID(converted.item_identifiers[criterion.reference])
    Criterion.objects.bulk_update(criteria, ["case_identifier"])


# --- finding what an endpoint names --------------------------------------------------------


def find_standard(standards: QuerySet[Standard], identifier: uuid.UUID) -> Standard | None:
    """The standard among ``standards`` whose CFDocument identifier this is."""
    stored = standards.filter(case_identifier=identifier).first()
    if stored is not None:
        return stored
    for standard in standards.filter(case_identifier__isnull=True):
        if document_identifier(standard) == identifier:
            return standard
    return None


def find_in_packages(
    standards: QuerySet[Standard], collection: str, identifier: uuid.UUID
) -> dict[str, Any] | None:
    """The CFItem or CFAssociation with this identifier in any of these standards' packages
    (a handful of standards, each a few hundred items)."""
    wanted = str(identifier)
    for standard in standards:
        for entry in package(standard, readable=standards)[collection]:
            if entry["identifier"] == wanted:
                return entry
    return None
