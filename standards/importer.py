"""Validation of a standards file (see ``docs/standard-format.md``) before anything is written.

The format is the one ``fixtures/standards.json`` uses: a JSON list of Django-serialised
``standards.standard``, ``standards.criteriongroup`` and ``standards.criterion`` objects with
natural keys and no primary keys. ``standards.equivalencegroup`` objects are accepted and
ignored: equivalence groups are recomputed after every import.

Everything here is a pure function returning a list of :class:`Problem` (an empty list means
the file is good), except :func:`check_against_database`, which only reads. Writing is
``standards.services.standards_import``; the command and the upload page share both.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from standards.models import Criterion, CriterionGroup, Kind, Standard, TextStatus

MAX_FILE_BYTES = 5 * 1024 * 1024
#: The format nests four deep (list > object > fields > natural key); anything past this is
#: refused before parsing, so no input can exhaust the parser's recursion.
MAX_DEPTH = 20
MAX_OBJECTS = 50_000
#: A standard has tens to a few hundred criteria; orders are positions, not identifiers.
MAX_ORDER = 10_000
MAX_NUMBER_DIGITS = 20
#: Problems reported at most; a file with more is summarised after these.
MAX_PROBLEMS = 200
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
#: Slugs that would clash with the standards app's own URLs.
RESERVED_SLUGS = frozenset({"search", "import", "corrections", "criteria"})

STANDARD = "standards.standard"
GROUP = "standards.criteriongroup"
CRITERION = "standards.criterion"
EQUIVALENCE = "standards.equivalencegroup"
MODELS = (STANDARD, GROUP, CRITERION, EQUIVALENCE)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")

# Field rules per model: name -> (required, kind). Kinds: "text" any string, "nonempty" a
# string with some non-space character, "slug", "order" an integer >= 1, "kind" a Kind value,
# "status" a TextStatus value, "standard_key" [slug], "group_key" [slug, kind, order].
_STANDARD_TEXT = (
    "code",
    "version",
    "status",
    "suite",
    "developer",
    "approved",
    "review",
    "overview",
    "scope",
    "values",
    "glossary",
    "notes",
)
FIELDS: dict[str, dict[str, tuple[bool, str]]] = {
    STANDARD: {
        "slug": (True, "slug"),
        "title": (True, "nonempty"),
        "source_document": (True, "nonempty"),
        **dict.fromkeys(_STANDARD_TEXT, (False, "text")),
    },
    GROUP: {
        "standard": (True, "standard_key"),
        "kind": (True, "kind"),
        "order": (True, "order"),
        "reference": (False, "text"),
        "title": (True, "nonempty"),
    },
    CRITERION: {
        "standard": (True, "standard_key"),
        "group": (True, "group_key"),
        "kind": (True, "kind"),
        "reference": (True, "nonempty"),
        "order": (True, "order"),
        "text": (True, "text"),
        "text_status": (False, "status"),
    },
}
_MODEL_CLASSES = {STANDARD: Standard, GROUP: CriterionGroup, CRITERION: Criterion}
_KIND_WORDS = {Kind.PERFORMANCE: "performance criteria", Kind.KNOWLEDGE: "knowledge items"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, with where it is."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Parsed:
    """A file that passed validation, ready for ``standards_import``."""

    standards: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    ignored_equivalences: int = 0

    @property
    def slugs(self) -> list[str]:
        return [s["slug"] for s in self.standards]


def _label(index: int, model: str | None = None, name: object = None) -> str:
    where = f"objects[{index}]"
    if model:
        where += f" ({model}"
        if isinstance(name, str) and name:
            where += f" {json.dumps(name, ensure_ascii=False)}"
        where += ")"
    return where


def _max_length(model: str, name: str) -> int | None:
    model_class = _MODEL_CLASSES[model]
    return model_class._meta.get_field(name).max_length


def _check_value(model: str, name: str, rule: str, value: Any) -> str | None:
    """The message for a bad value, or None."""
    said = f'field "{name}"'
    if rule in ("text", "nonempty", "slug", "kind", "status"):
        if not isinstance(value, str):
            return f"{said} must be a string"
        if rule == "nonempty" and not value.strip():
            return f"{said} must not be empty"
        if rule == "slug" and not _SLUG.match(value):
            return f"{said} must be a slug: letters, digits, hyphens and underscores only"
        if rule == "slug" and value in RESERVED_SLUGS:
            reserved = ", ".join(sorted(RESERVED_SLUGS))
            return f"{said} cannot be {value!r}: that word is reserved ({reserved})"
        if rule == "kind" and value not in Kind.values:
            return f'{said} must be one of {", ".join(Kind.values)}, not "{value}"'
        if rule == "status" and value not in TextStatus.values:
            return f'{said} must be one of {", ".join(TextStatus.values)}, not "{value}"'
        limit = _max_length(model, name)
        if limit and len(value) > limit:
            return f"{said} is {len(value)} characters long; at most {limit} are allowed"
        return None
    if rule == "order":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return f"{said} must be a whole number of 1 or more"
        if value > MAX_ORDER:
            return f"{said} is {value}; orders run 1, 2, 3… up to at most {MAX_ORDER:,}"
        return None
    if rule == "standard_key":
        if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)):
            return f'{said} must be a natural key: a list holding the standard\'s slug, ["slug"]'
        return None
    if rule == "group_key":
        ok = (
            isinstance(value, list)
            and len(value) == 3
            and isinstance(value[0], str)
            and value[1] in Kind.values
            and isinstance(value[2], int)
            and not isinstance(value[2], bool)
            and 1 <= value[2] <= MAX_ORDER
        )
        if not ok:
            return (
                f"{said} must be a natural key: a list of the standard's slug, the group's kind "
                'and its order, e.g. ["my-standard", "performance", 1]'
            )
        return None
    raise ValueError(f"unknown rule {rule}")  # pragma: no cover


def parse_json(data: bytes) -> tuple[Any, list[Problem]]:
    """Decode and parse the bytes; JSON syntax errors come with line and column."""
    if len(data) > MAX_FILE_BYTES:
        size = len(data) / (1024 * 1024)
        return None, [
            Problem("file", f"the file is {size:.1f} MB; at most 5 MB can be imported at once")
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem("file", f"byte {error.start} is not UTF-8; save the file as UTF-8")]
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        return None, [
            Problem(
                "file",
                f"values are nested {depth} levels deep; at most {MAX_DEPTH} are allowed "
                "(the format needs 4)",
            )
        ]
    try:
        return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant), []
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        return None, [Problem(where, f"JSON syntax error: {error.msg}")]
    except ValueError as error:  # from _bounded_int and _no_constant
        return None, [Problem("file", str(error))]
    except RecursionError:  # pragma: no cover - nesting_depth refuses deep input first
        return None, [Problem("file", f"values are nested more than {MAX_DEPTH} levels deep")]


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest, counted without parsing (strings are skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(
            f"the number {digits[:12]}… has {len(digits)} digits; numbers in a standards file "
            f"have at most {MAX_NUMBER_DIGITS}"
        )
    return int(digits)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number; give a whole number")


def validate(document: Any) -> tuple[Parsed, list[Problem]]:
    """Check a parsed document completely; report every problem found."""
    problems: list[Problem] = []
    parsed = Parsed()
    if not isinstance(document, list):
        return parsed, [Problem("file", "the top level must be a list of objects, [ ... ]")]
    if len(document) > MAX_OBJECTS:
        return parsed, [
            Problem(
                "file",
                f"the file holds {len(document):,} objects; at most {MAX_OBJECTS:,} can be "
                "imported at once",
            )
        ]
    parsed, problems = _validate(document)
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [
            *problems[:MAX_PROBLEMS],
            Problem("file", f"{more:,} more problems not listed; fix these first"),
        ]
    return parsed, problems


def _key(value: Any) -> Any:
    """A value usable in a set or as a dict key: scalars as they are, anything else by its
    type name, so a list where a slug belongs is reported rather than crashing the check."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return f"<{type(value).__name__}>"


def _validate(document: list[Any]) -> tuple[Parsed, list[Problem]]:
    problems: list[Problem] = []
    parsed = Parsed()

    # Pass 1: the shape of each object and its own fields. Slugs and group keys declared by
    # objects with other problems are remembered, so references to them are not reported twice.
    good: list[tuple[int, str, str, dict[str, Any]]] = []
    declared_slugs: set[str] = set()
    declared_groups: set[tuple[Any, ...]] = set()
    declared_orders: dict[tuple[str, Any, Any], set[Any]] = defaultdict(set)
    for index, obj in enumerate(document):
        if not isinstance(obj, dict):
            problems.append(Problem(_label(index), 'must be an object {"model": …, "fields": …}'))
            continue
        model = obj.get("model")
        fields = obj.get("fields")
        name = None
        if isinstance(fields, dict):
            name = fields.get("slug") or fields.get("reference") or fields.get("title")
        where = _label(index, model if isinstance(model, str) else None, name)
        for key in sorted(set(obj) - {"model", "fields"}):
            why = "objects are identified by natural keys" if key == "pk" else "not part of it"
            problems.append(Problem(where, f'key "{key}" is not allowed: {why}'))
        if "model" not in obj:
            problems.append(Problem(where, 'key "model" is missing'))
            continue
        if not isinstance(model, str):
            problems.append(
                Problem(where, 'key "model" must be a string such as "standards.standard"')
            )
            continue
        if model not in MODELS:
            problems.append(
                Problem(where, f'unknown model "{model}"; expected one of {", ".join(MODELS)}')
            )
            continue
        if model == EQUIVALENCE:
            parsed.ignored_equivalences += 1
            continue
        if not isinstance(fields, dict):
            problems.append(Problem(where, 'key "fields" must be an object of field values'))
            continue
        rules = FIELDS[model]
        before = len(problems)
        if model == STANDARD and isinstance(fields.get("slug"), str):
            declared_slugs.add(fields["slug"])
        if model == GROUP and isinstance(fields.get("standard"), list):
            declared_groups.add(
                (
                    *(_key(v) for v in fields["standard"][:1]),
                    _key(fields.get("kind")),
                    _key(fields.get("order")),
                )
            )
        if model in (GROUP, CRITERION) and isinstance(fields.get("standard"), list):
            slug = _key(fields["standard"][0]) if fields["standard"] else None
            declared_orders[(model, slug, _key(fields.get("kind")))].add(_key(fields.get("order")))
        for name in sorted(set(fields) - set(rules)):
            problems.append(Problem(where, f'unknown field "{name}"'))
        for name, (required, rule) in rules.items():
            if name not in fields:
                if required:
                    problems.append(Problem(where, f'required field "{name}" is missing'))
                continue
            message = _check_value(model, name, rule, fields[name])
            if message:
                problems.append(Problem(where, message))
        if len(problems) == before:
            good.append((index, where, model, fields))

    # Pass 2: how the objects fit together.
    standards: dict[str, int] = {}
    for index, where, model, fields in good:
        if model != STANDARD:
            continue
        slug = fields["slug"]
        if slug in standards:
            problems.append(
                Problem(where, f'slug "{slug}" is already used by objects[{standards[slug]}]')
            )
            continue
        standards[slug] = index
        parsed.standards.append({k: fields.get(k, "") for k in FIELDS[STANDARD]})

    groups: dict[tuple[str, str, int], tuple[int, str]] = {}
    group_orders: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for index, where, model, fields in good:
        if model != GROUP:
            continue
        slug = fields["standard"][0]
        if slug not in standards:
            if slug not in declared_slugs:
                problems.append(Problem(where, f'standard ["{slug}"] is not defined in this file'))
            continue
        key = (slug, fields["kind"], fields["order"])
        group_orders[(slug, fields["kind"])].append((fields["order"], index, where))
        if key in groups:
            continue  # reported by _order_problems
        groups[key] = (index, where)
        parsed.groups.append(
            {
                "standard": slug,
                "kind": fields["kind"],
                "order": fields["order"],
                "reference": fields.get("reference", ""),
                "title": fields["title"],
            }
        )

    references: dict[tuple[str, str], int] = {}
    criterion_orders: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    referenced_groups: set[tuple[str, str, int]] = set()
    for index, where, model, fields in good:
        if model != CRITERION:
            continue
        before = len(problems)
        slug = fields["standard"][0]
        status = fields.get("text_status", TextStatus.COMPLETE)
        text = fields["text"]
        group_key = (fields["group"][0], fields["group"][1], fields["group"][2])
        referenced_groups.add(group_key)
        if slug not in standards:
            if slug in declared_slugs:
                continue  # the standard itself is reported
            problems.append(Problem(where, f'standard ["{slug}"] is not defined in this file'))
        if group_key[0] != slug:
            problems.append(
                Problem(
                    where,
                    f"group {json.dumps(fields['group'])} belongs to standard "
                    f'"{group_key[0]}", not to this criterion\'s standard "{slug}"',
                )
            )
        elif slug in standards and group_key not in groups and group_key not in declared_groups:
            problems.append(
                Problem(where, f"group {json.dumps(fields['group'])} is not defined in this file")
            )
        if group_key[1] != fields["kind"]:
            # Which sequence its order belongs to is unclear: keep it out of both gap checks.
            for kind in Kind.values:
                declared_orders[(CRITERION, slug, kind)].add(fields["order"])
            problems.append(
                Problem(
                    where,
                    f'kind "{fields["kind"]}" does not match its group\'s kind "{group_key[1]}"',
                )
            )
        if status == TextStatus.COMPLETE and not text.strip():
            problems.append(
                Problem(where, 'text_status is "complete" but the text is empty; use "missing"')
            )
        elif status == TextStatus.PARTIAL and not text.strip():
            problems.append(
                Problem(
                    where,
                    'text_status is "partial" but the text is empty: give the surviving '
                    'words, or use "missing"',
                )
            )
        elif status == TextStatus.MISSING and text.strip():
            problems.append(
                Problem(
                    where,
                    'text_status is "missing" but there is text; use "partial" for the '
                    "surviving words",
                )
            )
        ref_key = (slug, fields["reference"])
        if ref_key in references:
            problems.append(
                Problem(
                    where,
                    f'reference "{fields["reference"]}" is already used by '
                    f"objects[{references[ref_key]}] in this standard",
                )
            )
        else:
            references[ref_key] = index
        if group_key[1] == fields["kind"]:
            criterion_orders[(slug, fields["kind"])].append((fields["order"], index, where))
        if len(problems) == before:
            parsed.criteria.append(
                {
                    "standard": slug,
                    "group": group_key,
                    "kind": fields["kind"],
                    "reference": fields["reference"],
                    "order": fields["order"],
                    "text": text,
                    "text_status": status,
                }
            )

    for slug, index in standards.items():
        where = _label(index, STANDARD, slug)
        if not any(key[0] == slug for key in references):
            problems.append(Problem(where, "the standard has no criteria"))
        for kind, words in _KIND_WORDS.items():
            problems += _order_problems(
                where,
                f"{kind} groups",
                group_orders.get((slug, kind), []),
                declared_orders[(GROUP, slug, kind)],
            )
            problems += _order_problems(
                where,
                words,
                criterion_orders.get((slug, kind), []),
                declared_orders[(CRITERION, slug, kind)],
            )
    for key, (_index, where) in groups.items():
        if key not in referenced_groups:
            problems.append(Problem(where, "the group has no criteria"))
    if not declared_slugs:
        problems.append(Problem("file", 'the file declares no standard ("standards.standard")'))
    return parsed, problems


def _order_problems(
    where: str, noun: str, orders: list[tuple[int, int, str]], declared: set[Any]
) -> list[Problem]:
    """Orders of one kind within one standard must run 1, 2, 3… with no gaps or repeats.

    ``declared`` holds the orders of objects reported for other problems, so that leaving
    them out does not also report a gap.
    """
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    for order, index, place in orders:
        if order in seen:
            problems.append(
                Problem(
                    place, f"order {order} of the {noun} is already used by objects[{seen[order]}]"
                )
            )
        else:
            seen[order] = index
    if seen:
        # Orders were checked to be at most MAX_ORDER, so this range is bounded.
        missing = sorted(set(range(1, min(max(seen), MAX_ORDER) + 1)) - set(seen) - declared)
        if missing:
            listed = ", ".join(str(n) for n in missing[:10]) + ("…" if len(missing) > 10 else "")
            problems.append(
                Problem(
                    where,
                    f"the orders of the {noun} must run 1, 2, 3… without gaps: {listed} missing",
                )
            )
    return problems


def _match(standard: dict[str, Any]) -> Q:
    match = Q(slug=standard["slug"])
    if standard["code"].strip():
        match |= Q(code=standard["code"], version=standard["version"])
    return match


def existing_matches(standard: dict[str, Any], *, owner_centre_id: int | None) -> list[Standard]:
    """Stored standards of the same owner (a centre, or the platform: None) that the file's
    standard would duplicate: same slug, or same code+version."""
    return list(
        Standard.objects.filter(_match(standard), owner_centre_id=owner_centre_id).order_by("pk")
    )


def _ownership_problems(standard: dict[str, Any], owner_centre_id: int | None) -> list[Problem]:
    """Another owner's standard is never replaced. A centre is told only about standards it
    can see (official or published ones); of another centre's own standards it learns only
    that the slug is taken, not whose it is or what it holds."""
    where = f'standards.standard "{standard["slug"]}"'
    problems: list[Problem] = []
    others = Standard.objects.filter(_match(standard)).exclude(owner_centre_id=owner_centre_id)
    if owner_centre_id is None:
        others = others.exclude(owner_centre__isnull=True)
    for other in others.order_by("pk"):
        if owner_centre_id is None:  # the platform: a centre's standard keeps its slug
            if other.slug == standard["slug"]:
                problems.append(
                    Problem(where, f'the slug "{other.slug}" is used by a centre\'s own standard')
                )
        elif other.owner_centre_id is None or other.published:
            whose = (
                "an official standard: centres may not replace it"
                if other.owner_centre_id is None
                else "published to every centre: only its centre may replace it"
            )
            problems.append(Problem(where, f'"{other.slug}" is {whose}'))
        elif other.slug == standard["slug"]:
            problems.append(
                Problem(where, f'the slug "{other.slug}" is already in use: choose another')
            )
    return problems


def check_against_database(
    parsed: Parsed, *, replace: bool, owner_centre_id: int | None = None
) -> list[Problem]:
    """Duplicates of stored standards are refused unless replacing a standard nobody uses
    that the importer owns (``owner_centre_id``: a centre, or None for the platform)."""
    problems: list[Problem] = []
    for standard in parsed.standards:
        where = f'standards.standard "{standard["slug"]}"'
        problems += _ownership_problems(standard, owner_centre_id)
        for existing in existing_matches(standard, owner_centre_id=owner_centre_id):
            same = (
                f'slug "{existing.slug}"'
                if existing.slug == standard["slug"]
                else f'code "{existing.code}" and version "{existing.version or "not stated"}"'
            )
            if not replace:
                problems.append(
                    Problem(
                        where,
                        f"a standard with the same {same} is already loaded; to overwrite it, "
                        "ask to replace (--replace, or the Replace box on the upload page)",
                    )
                )
            elif existing.enrolments.exists():  # type: ignore[attr-defined]
                count = existing.enrolments.count()  # type: ignore[attr-defined]
                problems.append(
                    Problem(
                        where,
                        f'cannot replace "{existing.slug}": {count} enrolment'
                        f"{'s use' if count != 1 else ' uses'} it",
                    )
                )
            else:
                problems += _lost_corrections(where, existing, standard["slug"], parsed)
    return problems


def _lost_corrections(where: str, existing: Standard, slug: str, parsed: Parsed) -> list[Problem]:
    """Replacing keeps supplied corrections, so each must find its reference in the new file."""
    new_refs = {c["reference"] for c in parsed.criteria if c["standard"] == slug}
    corrected = (
        Criterion.objects.filter(standard=existing, corrections__isnull=False)
        .values_list("reference", flat=True)
        .distinct()
        .order_by("reference")
    )
    return [
        Problem(
            where,
            f'cannot replace "{existing.slug}": criterion {reference} has supplied corrections '
            "and is not in the new file",
        )
        for reference in corrected
        if reference not in new_refs
    ]
