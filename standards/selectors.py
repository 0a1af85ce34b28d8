"""Reads of the standards that other apps and the pages share."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from standards.models import Criterion, Standard, TextCorrection


def equivalents_of(
    criterion_ids: Iterable[int], *, readable: QuerySet[Standard] | None = None
) -> dict[int, list[Criterion]]:
    """For each criterion id, the criteria of other standards equivalent to it (one query),
    only in ``readable`` standards when given (pages pass ``standards_for(user)``, so a
    centre's own standard never shows up as another centre's equivalent).

    Each returned criterion has its ``standard`` loaded and carries ``equivalence_match``
    ("exact" or "near", see ``EquivalenceGroup.Match``). Ids without equivalents map to an
    empty list; lists are ordered by standard code, title and version, then reference order.
    """
    ids = list(dict.fromkeys(criterion_ids))
    result: dict[int, list[Criterion]] = {pk: [] for pk in ids}
    if not ids:
        return result
    rows = (
        Criterion.objects.filter(equivalence_groups__criteria__in=ids)
        .annotate(
            equivalent_of=F("equivalence_groups__criteria__id"),
            equivalence_match=F("equivalence_groups__match"),
        )
        .exclude(pk=F("equivalent_of"))
        .filter(standard__in=readable if readable is not None else Standard.objects.all())
        .select_related("standard")
        .order_by("standard__code", "standard__title", "standard__version", "kind", "order")
    )
    seen: set[tuple[int, int]] = set()
    for criterion in rows:
        pair = (criterion.equivalent_of, criterion.pk)
        if pair not in seen:
            seen.add(pair)
            result[criterion.equivalent_of].append(criterion)
    return result


def latest_corrections(
    criterion_ids: Iterable[int], *, visible: QuerySet[TextCorrection]
) -> dict[int, TextCorrection]:
    """The newest supplied correction of each criterion that has one among ``visible``
    (``standards.access.corrections_for(user)``), in one query."""
    latest: dict[int, TextCorrection] = {}
    for correction in visible.filter(criterion__in=list(criterion_ids)).order_by(
        "criterion", "-supplied_at", "-pk"
    ):
        latest.setdefault(correction.criterion_id, correction)
    return latest


def criteria_matching(query: str, *, standards: QuerySet[Standard]) -> QuerySet[Criterion]:
    """Criteria of these standards whose text contains the query or whose reference is it."""
    return (
        Criterion.objects.filter(standard__in=standards)
        .filter(Q(text__icontains=query) | Q(reference__iexact=query))
        .select_related("standard", "group")
        .order_by("standard__code", "standard__title", "standard__version", "kind", "order")
    )
