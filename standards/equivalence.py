"""Groups of equivalent criteria across different standards.

Pure Python (no Django), so that the conversion script and a later import
command can share it. Items go in as plain :class:`EqItem` records and groups
come out as :class:`EqGroup` records.

Rules:

* texts are compared after :func:`normalise` (case, whitespace, punctuation,
  typographic quotes); equal normalised texts are an ``exact`` match, a
  :class:`difflib.SequenceMatcher` ratio at or above the threshold is ``near``;
* only items of the same kind are compared, and only across different standards:
  a group never holds two items of the same standard;
* items whose text is ``partial`` or ``missing`` never match anything;
* groups are transitive (union-find): candidate pairs are merged from the most
  similar down, and a merge that would put two items of one standard into the
  same group is skipped. Each group reports the lowest pairwise similarity among
  its members, which can be below the threshold for members joined only through
  a third item.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

#: Threshold for knowledge items. Chosen by inspecting the pairs around it: see
#: ``tests/standards/test_equivalence.py`` and the conversion notes.
KNOWLEDGE_THRESHOLD = 0.9
#: Threshold for the old CPC 509 unit's criteria against SCDCPC509's.
PERFORMANCE_THRESHOLD = 0.8
#: The two versions whose performance criteria are compared with each other (the old CPC 509
#: unit and SCDCPC509); every other standard is compared on its knowledge items only.
PERFORMANCE_CORRESPONDENCE = ("cpc509-2008", "scdcpc509-v2")

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class EqItem:
    """One criterion offered for comparison."""

    standard: str  # the standard's slug
    reference: str  # e.g. "K14"
    kind: str  # "performance" or "knowledge"
    text: str
    text_status: str = "complete"

    @property
    def natural_key(self) -> tuple[str, str]:
        return (self.standard, self.reference)


@dataclass(frozen=True)
class EqGroup:
    """A set of equivalent criteria, each from a different standard."""

    key: str
    kind: str
    match: str  # "exact" or "near"
    similarity: float  # lowest pairwise similarity, rounded to 4 places
    members: tuple[tuple[str, str], ...]  # sorted natural keys


def normalise(text: str) -> str:
    """Lower-case, unify quotes, drop punctuation and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = text.replace("-", " ")
    text = _PUNCT.sub("", text)
    return _SPACE.sub(" ", text).strip()


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """Similarity of two normalised texts: 1.0 when equal, else the difflib ratio.

    difflib's ratio is not symmetric, so the texts are compared in sorted order: the score
    of a pair never depends on which item came first. Below ``floor`` the exact ratio does
    not matter, so the cheap upper bounds decide and 0.0 is returned.
    """
    if a == b:
        return 1.0
    first, second = sorted((a, b))
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    if floor and (matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor):
        return 0.0
    return matcher.ratio()


def group_key(kind: str, members: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """Stable key: first 16 hex digits of the sha1 of kind and sorted member keys."""
    payload = kind + "\n" + "\n".join(f"{s}\t{r}" for s, r in sorted(members))
    return hashlib.sha1(payload.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def candidate_pairs(items: list[EqItem], threshold: float) -> list[tuple[float, EqItem, EqItem]]:
    """All cross-standard pairs of comparable items at or above the threshold.

    Sorted by similarity (highest first), then by natural keys, so that the
    result, and therefore the grouping, is deterministic.
    """
    usable = [i for i in items if i.text_status == "complete" and i.text.strip()]
    norm = {i.natural_key: normalise(i.text) for i in usable}
    pairs: list[tuple[float, EqItem, EqItem]] = []
    for a, b in combinations(usable, 2):
        if a.kind != b.kind or a.standard == b.standard:
            continue
        score = similarity(norm[a.natural_key], norm[b.natural_key], floor=threshold)
        if score >= threshold:
            first, second = sorted((a, b), key=lambda i: i.natural_key)
            pairs.append((score, first, second))
    pairs.sort(key=lambda p: (-p[0], p[1].natural_key, p[2].natural_key))
    return pairs


def compute_groups(items: list[EqItem], threshold: float) -> list[EqGroup]:
    """Transitive groups of equivalent items across standards, sorted by key."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}
    standards_of: dict[tuple[str, str], set[str]] = {}

    def find(k: tuple[str, str]) -> tuple[str, str]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    by_key = {i.natural_key: i for i in items}
    if len(by_key) != len(items):
        raise ValueError("duplicate natural keys among items")
    for pair in candidate_pairs(items, threshold):
        _, a, b = pair
        for item in (a, b):
            if item.natural_key not in parent:
                parent[item.natural_key] = item.natural_key
                standards_of[item.natural_key] = {item.standard}
        ra, rb = find(a.natural_key), find(b.natural_key)
        if ra == rb or standards_of[ra] & standards_of[rb]:
            continue  # already together, or would join two items of one standard
        root, child = sorted((ra, rb))
        parent[child] = root
        standards_of[root] |= standards_of.pop(child)

    members: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for k in parent:
        members.setdefault(find(k), []).append(k)

    groups: list[EqGroup] = []
    for keys in members.values():
        if len(keys) < 2:
            continue  # its only candidate pairs were refused
        keys.sort()
        kind = by_key[keys[0]].kind
        texts = [normalise(by_key[k].text) for k in keys]
        lowest = min(similarity(x, y) for x, y in combinations(texts, 2))
        groups.append(
            EqGroup(
                key=group_key(kind, keys),
                kind=kind,
                match="exact" if lowest == 1.0 else "near",
                similarity=round(lowest, 4),
                members=tuple(keys),
            )
        )
    groups.sort(key=lambda g: (g.kind, g.key))
    return groups
