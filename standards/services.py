"""Writes to the standards: imports, recomputed equivalence groups and supplied corrections.

Each write validates with ``full_clean()`` and runs inside one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, ProtectedError

from standards import case
from standards.equivalence import (
    KNOWLEDGE_THRESHOLD,
    PERFORMANCE_CORRESPONDENCE,
    PERFORMANCE_THRESHOLD,
    EqItem,
    compute_groups,
)
from standards.importer import (
    Parsed,
    Problem,
    check_against_database,
    existing_matches,
    parse_json,
    validate,
)
from standards.models import (
    Criterion,
    CriterionGroup,
    EquivalenceGroup,
    Kind,
    Standard,
    TextCorrection,
    TextStatus,
)


class ImportRefused(Exception):
    """The file was not imported; ``problems`` says every reason with its location."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    standards: list[Standard]
    replaced: int
    criteria: int
    ignored_equivalences: int
    equivalence_groups: int


def standards_import(
    *, data: bytes, replace: bool = False, owner_centre_id: int | None = None
) -> ImportResult:
    """Validate the whole file, then import it in one transaction, or raise ImportRefused.

    ``owner_centre_id`` None imports official, platform-owned standards (the command); a
    centre's id imports standards that centre owns and alone sees (the import page). Only
    the owner replaces a standard."""
    document, problems = parse_json(data)
    if problems:
        raise ImportRefused(problems)
    if case.is_package(document):
        return _import_case(document, replace=replace, owner_centre_id=owner_centre_id)
    parsed, problems = validate(document)
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        problems = check_against_database(parsed, replace=replace, owner_centre_id=owner_centre_id)
        if problems:
            raise ImportRefused(problems)
        return _write(parsed, owner_centre_id=owner_centre_id)


def _import_case(
    document: dict[str, Any], *, replace: bool, owner_centre_id: int | None
) -> ImportResult:
    """A CASE 1.0 CFPackage: checked against the published schema, turned into our own
    format and then checked and written exactly as a file in our format is, in one
    transaction, keeping the package's identifiers. Problems are located in the package."""
    problems = case.schema_problems(document)
    if problems:
        raise ImportRefused(problems)
    converted, problems = case.convert(document)
    if problems:
        raise ImportRefused(problems)
    parsed, problems = validate(converted.objects)
    if problems:
        raise ImportRefused([converted.locate(problem) for problem in problems])
    with transaction.atomic():
        problems = case.identifier_clash(converted) + check_against_database(
            parsed, replace=replace, owner_centre_id=owner_centre_id
        )
        if problems:
            raise ImportRefused(problems)
        result = _write(parsed, owner_centre_id=owner_centre_id)
        case.keep_identifiers(converted, result.standards[0])
    return ImportResult(
        standards=result.standards,
        replaced=result.replaced,
        criteria=result.criteria,
        ignored_equivalences=converted.ignored_associations,
        equivalence_groups=result.equivalence_groups,
    )


def _write(parsed: Parsed, *, owner_centre_id: int | None) -> ImportResult:
    replaced = 0
    kept: dict[str, list[dict[str, Any]]] = {}
    for fields in parsed.standards:
        for existing in existing_matches(fields, owner_centre_id=owner_centre_id):
            kept[fields["slug"]] = kept.get(fields["slug"], []) + _corrections_of(existing)
            try:
                existing.delete()
            except ProtectedError as error:
                problem = Problem(
                    f'standards.standard "{existing.slug}"',
                    f"cannot replace it: other records still refer to it ({error.args[0]})",
                )
                raise ImportRefused([problem]) from error
            replaced += 1
    standards: dict[str, Standard] = {}
    for fields in parsed.standards:
        standard = Standard(**fields, owner_centre_id=owner_centre_id)
        standard.full_clean()
        standard.save()
        standards[standard.slug] = standard
    groups: dict[tuple[str, str, int], CriterionGroup] = {}
    for fields in parsed.groups:
        group = CriterionGroup(**{**fields, "standard": standards[fields["standard"]]})
        group.full_clean()
        group.save()
        groups[(fields["standard"], fields["kind"], fields["order"])] = group
    criteria: dict[tuple[str, str], Criterion] = {}
    for fields in parsed.criteria:
        criterion = Criterion(
            **{
                **fields,
                "standard": standards[fields["standard"]],
                "group": groups[fields["group"]],
            }
        )
        criterion.full_clean()
        criterion.save()
        criteria[(fields["standard"], fields["reference"])] = criterion
    for slug, corrections in kept.items():
        for correction in corrections:
            _restore_correction(criteria[(slug, correction.pop("reference"))], correction)
    return ImportResult(
        standards=list(standards.values()),
        replaced=replaced,
        criteria=len(parsed.criteria),
        ignored_equivalences=parsed.ignored_equivalences,
        equivalence_groups=equivalence_groups_recompute(),
    )


def _corrections_of(standard: Standard) -> list[dict[str, Any]]:
    return list(
        TextCorrection.objects.filter(criterion__standard=standard)
        .order_by("supplied_at", "pk")
        .values(
            "text",
            "source",
            "supplied_by_id",
            "supplied_at",
            "supplier_name",
            "supplier_centre",
            "centre_id",
            reference=F("criterion__reference"),
        )
    )


def _restore_correction(criterion: Criterion, values: dict[str, Any]) -> None:
    supplied_at = values.pop("supplied_at")
    correction = TextCorrection.objects.create(criterion=criterion, **values)
    TextCorrection.objects.filter(pk=correction.pk).update(supplied_at=supplied_at)


@transaction.atomic
def equivalence_groups_recompute() -> int:
    """Recompute every equivalence group from the stored criteria; returns how many exist.

    Groups keep their key (derived from their members) so an unchanged group stays the same
    row; groups that no longer arise are deleted and new ones created.
    """
    rows = Criterion.objects.select_related("standard").order_by("standard_id", "kind", "order")
    knowledge: list[EqItem] = []
    performance: list[EqItem] = []
    ids: dict[tuple[str, str], int] = {}
    for c in rows:
        item = EqItem(c.standard.slug, c.reference, c.kind, c.text, c.text_status)
        ids[item.natural_key] = c.pk
        if c.kind == Kind.KNOWLEDGE:
            knowledge.append(item)
        elif c.standard.slug in PERFORMANCE_CORRESPONDENCE:
            performance.append(item)
    computed = compute_groups(knowledge, KNOWLEDGE_THRESHOLD)
    computed += compute_groups(performance, PERFORMANCE_THRESHOLD)
    wanted = {g.key: g for g in computed}
    EquivalenceGroup.objects.exclude(key__in=wanted).delete()
    existing = {g.key: g for g in EquivalenceGroup.objects.all()}
    for key, computed_group in wanted.items():
        group = existing.get(key) or EquivalenceGroup(key=key)
        group.kind = computed_group.kind
        group.match = computed_group.match
        group.similarity = computed_group.similarity
        group.full_clean()
        group.save()
        group.criteria.set([ids[member] for member in computed_group.members])
    return len(wanted)


@transaction.atomic
def correction_create(
    *, criterion: Criterion, text: str, source: str, supplied_by: Any
) -> TextCorrection:
    """Record text a centre admin supplied for a criterion whose source text was lost.

    The criterion itself is never changed. The supplier's name and centre are copied so that
    the record reads the same later, whatever happens to the account. The text belongs to
    the supplier's centre: only its people see it (``standards.access.corrections_for``).
    """
    if criterion.text_status == TextStatus.COMPLETE:
        raise ValueError("This criterion's text is complete; only lost text can be supplied.")
    centre = getattr(supplied_by, "centre", None)
    correction = TextCorrection(
        criterion=criterion,
        text=text.strip(),
        source=source.strip(),
        supplied_by=supplied_by,
        supplier_name=str(getattr(supplied_by, "display_name", "") or supplied_by),
        supplier_centre=str(centre) if centre else "",
        centre=centre,
    )
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def standard_publish(*, standard: Standard, published: bool) -> Standard:
    """A platform operator publishes a centre's standard to every centre, or withdraws it.
    Official standards are everyone's already."""
    if standard.owner_centre_id is None:
        raise ValueError("An official standard is already shown to every centre.")
    standard.published = published
    standard.full_clean()
    standard.save(update_fields=["published"])
    return standard
