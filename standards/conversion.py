"""Convert the seed standards (text extracted from PDFs) into a Django fixture.

Usage::

    python -m standards.conversion fixtures/seeds fixtures/standards.json

Pure Python: no Django settings are needed. The output is a Django JSON
serialisation with natural keys and no ``pk`` fields, so ``loaddata`` is
idempotent and can run on a database that already holds other standards.

Texts go in verbatim. The only changes are repairs of extraction damage, and
every repair that is specific to one source is listed in that source's
:class:`SeedSpec` (``repairs``) with the number of times it must apply, so a
changed source fails loudly instead of being silently mis-repaired. Repairs
applied everywhere: tab debris and table layout are undone, page headers,
footers, page numbers, images and Word bookmarks are dropped, markdown markers
(``**bold**``, ``- `` bullets) left by an earlier conversion are removed,
lines split mid-sentence are joined, runs of spaces are collapsed to one and
spaces at the ends of texts are trimmed.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from standards.equivalence import (
    KNOWLEDGE_THRESHOLD,
    PERFORMANCE_CORRESPONDENCE,
    PERFORMANCE_THRESHOLD,
    EqItem,
    compute_groups,
)

PERFORMANCE = "performance"
KNOWLEDGE = "knowledge"
COMPLETE = "complete"
PARTIAL = "partial"
MISSING = "missing"

SUITE_CPC = "Commissioning, Procurement and Contracting for Care Services"


# --------------------------------------------------------------------------- data


@dataclass
class Group:
    kind: str
    order: int
    reference: str
    title: str


@dataclass
class Item:
    kind: str
    reference: str
    order: int
    group_order: int
    text: str
    text_status: str = COMPLETE


@dataclass
class StandardData:
    slug: str
    code: str
    title: str
    source_document: str
    version: str = ""
    status: str = ""
    suite: str = ""
    developer: str = ""
    approved: str = ""
    review: str = ""
    overview: str = ""
    scope: str = ""
    values: str = ""
    glossary: str = ""
    notes: str = ""
    groups: list[Group] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    def items_of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def item(self, reference: str) -> Item:
        for i in self.items:
            if i.reference == reference:
                return i
        raise KeyError(reference)


@dataclass(frozen=True)
class Repair:
    """An exact replacement in one source, applied ``count`` times (checked)."""

    old: str
    new: str
    count: int = 1


@dataclass
class SeedSpec:
    """What is known about one seed file, beyond what its parser reads."""

    filename: str
    slug: str
    layout: str  # "nos" or "unit"
    code: str
    title: str
    #: A line that must occur in the source to confirm code and title; "" when
    #: the source prints neither.
    header_line: str = ""
    repairs: tuple[Repair, ...] = ()
    #: Exact lines (after stripping) to drop: page headers and footers.
    drop_lines: tuple[str, ...] = ()
    #: Text status for criteria whose text the source lost (all or in part).
    lost: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


SPECS: tuple[SeedSpec, ...] = (
    SeedSpec(
        filename="000_b2b28b237437643b.txt",
        slug="manage-finance",
        layout="nos",
        code="",
        title="Manage finance for your area of responsibility",
        notes=(
            "No code is printed in the source document.",
            "The title is not printed in the source document; it was supplied with the"
            " document and matches the overview.",
            "No developer, version, status, suite or dates are printed in the source document.",
            "Repairs: runs of spaces collapsed (P2, K18, K19, K50, K62); bookmark marker"
            " removed before the 'Rights' heading.",
            "Kept as printed: K3 'advantages and disadvantages systems', K10 ending in 'and',"
            " K38 'though', K64 'stakeholders others'.",
        ),
    ),
    SeedSpec(
        filename="001_921304ed4a281d8b.txt",
        slug="scdcpc509-v2",
        layout="nos",
        code="SCDCPC509",
        title="Enable your organisation to align or pool budgets with commissioning partners",
        header_line="SCDCPC509 Enable your organisation to align or pool budgets with"
        " commissioning partners",
        repairs=(
            Repair("Estal\tblish governance", "Establish governance"),
            Repair("\tPrep\tare an aligned", "\tPrepare an aligned"),
            Repair("\tRisk\tmanagement\n", "\tRisk management\n"),
            Repair("\tYour\tr practice\n", "\tYour practice\n"),
            Repair("Managi\u0131\tng People\n", "Managing People\n"),
            Repair("\n---------\t-----------\n", "\n"),
            Repair("and understand:\t1.00\tregulations", "and understand:\tregulations"),
            Repair("\t14.14\tinform commissioning", "\t\tinform commissioning"),
            Repair(
                "agree with commissioning partners , individuals , key people and",
                "agree with commissioning partners, individuals, key people and",
            ),
            Repair(
                "active participation of individuals , key people",
                "active participation of individuals, key people",
            ),
            Repair("multi- disciplinary procedures", "multi-disciplinary procedures"),
            Repair("constraints for agreeingbudgets", "constraints for agreeing budgets"),
            Repair(
                "Scope / range\tThe details in this field are explanatory statements of scope"
                " and/or examples of\nrelated to\tpossible contexts in which the NOS may apply;"
                " they are not to be regarded as\nknowledge and\trange statement required for"
                " achievement of the NOS.\nunderstanding:\t\n",
                "Scope / range related to knowledge and understanding:\nThe details in this"
                " field are explanatory statements of scope and/or examples of\npossible contexts"
                " in which the NOS may apply; they are not to be regarded as\nrange statement"
                " required for achievement of the NOS.\n\n",
            ),
        ),
        drop_lines=(
            "SCDCPC509 Enable your organisation to align or pool budgets with commissioning"
            " partners",
        ),
        lost={"P16": MISSING, "K45": PARTIAL, "K47": PARTIAL},
        notes=(
            "P16: text not available in the source document. K45, K47: text partly lost"
            " (K45 keeps only 'based provision', K47 only 'inform commissioning, procurement"
            " and contracting').",
            "Original URN printed as CPC509 (the older unit, converted separately).",
            "Repairs: split words 'Estal blish', 'Prep are' (headings) and 'Managi\u0131 ng'"
            " (heading 'Managing People'); heading 'Risk management' split by a tab; heading"
            " 'Your r practice' read as 'Your practice'; stray numbers '1.00' (in K38) and"
            " '14.14' (in K47) removed; spaces before commas in P3 and K11 removed (the same"
            " wording has no such spaces in the other standards); 'multi- disciplinary' (K14)"
            " rejoined as 'multi-disciplinary' and 'agreeingbudgets' (K31) split as 'agreeing"
            " budgets', as in the other standards; page footer inside K14 removed; lines split"
            " by the table layout rejoined; markdown markers removed.",
            "Kept as printed: K32 'though', K58 'stakeholders others'. Key words may be"
            " truncated at the end of the source document.",
        ),
    ),
    SeedSpec(
        filename="002_20a0afafb9443fb6.txt",
        slug="promote-organisational-responsibilities",
        layout="nos",
        code="",
        title="Promote your organisation's legal, regulatory, social, economic, environmental"
        " and ethical responsibilities",
        notes=(
            "No code is printed in the source document.",
            "The title is not printed in the source document; this descriptive title is"
            " taken from the overview's wording.",
            "No developer, version, status, suite or dates are printed in the source document.",
            "Repairs: runs of spaces collapsed (K13, K45, K47, K55, K58, K66); bookmark"
            " markers removed.",
            "Kept as printed: K13 'acts or omissions poor' (no comma).",
        ),
    ),
    SeedSpec(
        filename="003_a6d32fa06e8db965.txt",
        slug="cpc509-2008",
        layout="unit",
        code="CPC 509",
        title="Enable your organisation to align or pool budgets with a partner",
        notes=(
            "Older unit (code printed as 'CPC 509'); no version, status, developer or dates"
            " are printed in the source document.",
            "Performance criteria are numbered 1, 2, ... within each element; references"
            " A1-A10, B1-B9, C1-C7 combine the element letter and the printed number.",
            "Knowledge items keep their printed numbers 1-22; item 4 'Methods and ways of"
            " working that:' is one item whose sub-items a-d are kept in its text, one per"
            " line, so the unit has 22 knowledge items.",
            "The values and principles statement referred to in 'Values' is not included in"
            " the source document.",
            "Repairs: A2 rejoined across a line break; markdown markers (bold, bullets)"
            " removed. Kept as printed: knowledge item 12 ends 'budgets .' (nothing shows"
            " the space is extraction spacing).",
        ),
    ),
    SeedSpec(
        filename="004_db8c05656ead75ac.txt",
        slug="scdcpc306",
        layout="nos",
        code="SCDCPC306",
        title="Take action to promote contract compliance",
        header_line="SCDCPC306 Take action to promote contract compliance",
        drop_lines=(
            "SCDCPC306",
            "Take action to promote contract compliance",
            "SCDCPC306 Take action to promote contract compliance",
        ),
        notes=(
            "No developer, version, status, suite or dates are printed in the source"
            " document; it ends after the values.",
            "Repairs: page header, logo and page number after K65 removed; bookmark marker"
            " removed from K1; runs of spaces collapsed (K51, K58).",
            "Kept as printed: K52 'including , key people and communities' (a word appears"
            " to be missing in the source; nothing was added).",
        ),
    ),
)


# ----------------------------------------------------------------------- cleaning

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_SPACES = re.compile(r" {2,}")
_BULLET = re.compile(r"^\s*-\s+")
_ITEM_NOS = re.compile(r"^([PK])(\d+)\b\s*(.*)$")

#: Table labels that carry no content.
_LABELS = {
    "You must be able to:",
    "You need to know",
    "and understand:",
    "You need to know and understand:",
    "You need to know and understand",
    "criteria",
}
#: Section markers of the NOS layout.
_MARKERS = (
    "Overview",
    "Performance criteria",
    "Performance",
    "Knowledge and understanding",
    "Additional information",
    "Scope / range related to performance criteria:",
    "Scope / range related to knowledge and understanding:",
    "Values:",
)


def clean_text(text: str) -> str:
    """Collapse runs of spaces and trim."""
    return _SPACES.sub(" ", text).strip()


def apply_repairs(raw: str, repairs: Iterable[Repair], filename: str) -> str:
    """Apply each repair, checking it matches exactly the expected number of times."""
    for r in repairs:
        found = raw.count(r.old)
        if found != r.count:
            raise ValueError(f"{filename}: repair {r.old!r} matched {found}x, not {r.count}x")
        raw = raw.replace(r.old, r.new)
    return raw


def basic_lines(raw: str, drop_lines: Iterable[str], filename: str) -> list[str]:
    """Drop debris shared by all layouts; keep tabs (the NOS parser needs them)."""
    drop = set(drop_lines)
    seen: set[str] = set()
    out: list[str] = []
    for line in raw.splitlines():
        line = _BOOKMARK.sub("", line).replace("**", "")
        line = _BULLET.sub("", line)
        stripped = line.strip()
        if stripped in drop:
            seen.add(stripped)
            continue
        if stripped.startswith("[image:") or stripped.isdigit():
            continue  # logos and page numbers
        out.append(line.rstrip())
    if missing := drop - seen:
        raise ValueError(f"{filename}: expected lines not found: {sorted(missing)}")
    return out


def split_cells(line: str) -> list[str]:
    """Split a table line into logical lines: markers alone, label cells dropped."""
    out: list[str] = []
    rest: list[str] = []
    for cell in (c.strip() for c in line.split("\t")):
        if not cell or cell in _LABELS:
            continue
        marker = next(
            (m for m in _MARKERS if cell == m or cell.startswith(m + " ")),
            None,
        )
        if marker is not None:
            if rest:
                out.append(" ".join(rest))
                rest = []
            out.append(marker)
            if cell != marker:
                rest.append(cell[len(marker) :].strip())
            continue
        rest.append(cell)
    if rest:
        out.append(" ".join(rest))
    return out or [""]


def join_block(lines: Iterable[str], paragraphs: bool = False) -> str:
    """Clean a block of running text.

    A line starting with a lower-case letter continues the previous text line,
    even across blank lines (page breaks). Runs of blank lines become one blank
    line; lines otherwise keep their breaks (lists), unless ``paragraphs`` is
    true, when every line is a paragraph and paragraphs are separated by a blank
    line.
    """
    out: list[str] = []
    for line in lines:
        line = clean_text(line)
        if line and line[0].islower():
            while out and out[-1] == "":
                out.pop()
            if not out:
                raise ValueError(f"continuation line with nothing to continue: {line!r}")
            out[-1] = f"{out[-1]} {line}"
        elif line or (out and out[-1] != ""):
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    if paragraphs:
        return "\n\n".join(line for line in out if line)
    return "\n".join(out)


def _collect_metadata(lines: list[str]) -> dict[str, str]:
    labels = {
        "Developed by": "developer",
        "Version number": "version",
        "Date approved": "approved",
        "Indicative review date": "review",
        "Status": "status",
        "Originating organisation": "originating",
        "Suite": "suite",
        "Key words": "glossary",
    }
    found: dict[str, str] = {}
    for line in lines:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) >= 2 and cells[0] in labels:
            found[labels[cells[0]]] = clean_text(" ".join(cells[1:]))
    return found


# --------------------------------------------------------------------- NOS parser


def parse_nos(spec: SeedSpec, raw: str) -> StandardData:
    """Parse a NOS (the layout of 000, 001, 002 and 004)."""
    raw = apply_repairs(raw, spec.repairs, spec.filename)
    if spec.header_line and spec.header_line not in raw:
        raise ValueError(f"{spec.filename}: header line not found")
    lines = basic_lines(raw, spec.drop_lines, spec.filename)

    meta_at = next((n for n, ln in enumerate(lines) if ln.startswith("Developed by\t")), None)
    meta = _collect_metadata(lines[meta_at:]) if meta_at is not None else {}
    body = lines[:meta_at] if meta_at is not None else lines

    logical: list[str] = [cell for line in body for cell in split_cells(line)]

    def index(marker: str, start: int = 0) -> int:
        return logical.index(marker, start)

    i_over = index("Overview")
    i_perf = next(
        n for n, ln in enumerate(logical) if ln in ("Performance criteria", "Performance")
    )
    i_know = index("Knowledge and understanding", i_perf)
    i_add = index("Additional information", i_know)
    i_spc = index("Scope / range related to performance criteria:", i_add)
    i_sku = index("Scope / range related to knowledge and understanding:", i_spc)
    i_val = next(
        n
        for n, ln in enumerate(logical)
        if n > i_sku and ln.startswith("Adherence to codes of practice")
    )

    data = StandardData(
        slug=spec.slug, code=spec.code, title=spec.title, source_document=spec.filename
    )
    data.overview = join_block(logical[i_over + 1 : i_perf], paragraphs=True)
    scope_pc = join_block(logical[i_spc + 1 : i_sku], paragraphs=True)
    scope_ku = join_block(
        (ln for ln in logical[i_sku + 1 : i_val] if ln != "Values:"), paragraphs=True
    )
    data.scope = (
        "Scope / range related to performance criteria:\n\n"
        + scope_pc
        + "\n\nScope / range related to knowledge and understanding:\n\n"
        + scope_ku
    )
    data.values = join_block(ln for ln in logical[i_val:] if ln != "Values:")
    data.developer = meta.get("developer", "") or meta.get("originating", "")
    data.version = meta.get("version", "")
    data.approved = meta.get("approved", "")
    data.review = meta.get("review", "")
    data.status = meta.get("status", "")
    data.suite = meta.get("suite", "")
    data.glossary = meta.get("glossary", "")

    _parse_nos_items(data, PERFORMANCE, "P", logical[i_perf + 1 : i_know])
    _parse_nos_items(data, KNOWLEDGE, "K", logical[i_know + 1 : i_add])
    _apply_lost(data, spec)
    data.notes = " ".join(spec.notes)
    return data


def _parse_nos_items(data: StandardData, kind: str, letter: str, lines: list[str]) -> None:
    groups: list[Group] = []
    items: list[Item] = []
    current: Item | None = None
    for line in lines:
        line = clean_text(line)
        if not line:
            continue
        m = _ITEM_NOS.match(line)
        if m and m.group(1) == letter:
            if not groups:
                raise ValueError(f"{data.slug}: item before any heading: {line!r}")
            current = Item(
                kind=kind,
                reference=f"{letter}{m.group(2)}",
                order=len(items) + 1,
                group_order=groups[-1].order,
                text=m.group(3),
            )
            items.append(current)
        elif line[0].islower():
            if current is None:
                raise ValueError(f"{data.slug}: continuation without an item: {line!r}")
            current.text = f"{current.text} {line}".strip()
        else:
            if groups and not any(i.group_order == groups[-1].order for i in items):
                raise ValueError(f"{data.slug}: empty group {groups[-1].title!r}")
            groups.append(Group(kind=kind, order=len(groups) + 1, reference="", title=line))
            current = None
    expected = [f"{letter}{n}" for n in range(1, len(items) + 1)]
    if [i.reference for i in items] != expected:
        raise ValueError(f"{data.slug}: {kind} references out of sequence")
    data.groups.extend(groups)
    data.items.extend(items)


def _apply_lost(data: StandardData, spec: SeedSpec) -> None:
    for ref, status in spec.lost.items():
        item = data.item(ref)
        if status == MISSING and item.text:
            raise ValueError(f"{spec.filename}: {ref} expected empty, has {item.text!r}")
        if status == PARTIAL and not item.text:
            raise ValueError(f"{spec.filename}: {ref} expected partial text, has none")
        item.text_status = status
    for item in data.items:
        if not item.text and item.text_status == COMPLETE:
            raise ValueError(f"{spec.filename}: {item.reference} has no text")


# -------------------------------------------------------------------- unit parser

_UNIT_HEADER = re.compile(r"^Unit: (CPC \d+) (.+) \((.+)\)$")
_ELEMENT = re.compile(r"^CPC \d+ ([A-Z]) (.+)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
_LETTERED = re.compile(r"^([a-z])\.\s+(.*)$")


def parse_unit(spec: SeedSpec, raw: str) -> StandardData:
    """Parse the older CPC unit layout (003)."""
    raw = apply_repairs(raw, spec.repairs, spec.filename)
    lines = [clean_text(ln.replace("\t", " ")) for ln in basic_lines(raw, (), spec.filename)]
    header = next(m for ln in lines if (m := _UNIT_HEADER.match(ln)))
    if (header.group(1), header.group(2)) != (spec.code, spec.title):
        raise ValueError(f"{spec.filename}: unit header does not match the spec")

    def section(start: str, end: str) -> list[str]:
        i = lines.index(start)
        return lines[i + 1 : lines.index(end, i)]

    data = StandardData(
        slug=spec.slug,
        code=spec.code,
        title=spec.title,
        source_document=spec.filename,
        suite=header.group(3),
    )
    about = join_block(section("About this unit", "Scope"))
    purpose = join_block(section("Key Purpose", "Elements of competence:"))
    data.overview = f"{about}\n\n{purpose}"
    data.scope = join_block(section("Scope", "Values"))
    data.values = join_block(section("Values", "Key words and concepts"))
    i_glossary = lines.index("Key words and concepts")
    # The element list near the top repeats the titles; the sections start later.
    first_element = next(n for n, ln in enumerate(lines) if n > i_glossary and _ELEMENT.match(ln))
    data.glossary = join_block(lines[i_glossary + 1 : first_element])

    i_knowledge = lines.index("Knowledge specification for the whole of this unit")
    _parse_unit_performance(data, lines[first_element:i_knowledge])
    start = lines.index(
        "You need to show that you know, understand and can apply in practice:", i_knowledge
    )
    _parse_unit_knowledge(data, lines[start + 1 :])
    _apply_lost(data, spec)
    data.notes = " ".join(spec.notes)
    return data


def _parse_unit_performance(data: StandardData, lines: list[str]) -> None:
    current: Item | None = None
    letter = ""
    for line in lines:
        if not line or line in ("Performance Criteria", "You must show that you:"):
            continue
        if m := _ELEMENT.match(line):
            letter = m.group(1)
            group = Group(PERFORMANCE, len(data.groups) + 1, letter, m.group(2))
            data.groups.append(group)
            current = None
        elif m := _NUMBERED.match(line):
            current = Item(
                kind=PERFORMANCE,
                reference=f"{letter}{m.group(1)}",
                order=len(data.items) + 1,
                group_order=data.groups[-1].order,
                text=m.group(2),
            )
            data.items.append(current)
        elif line[0].islower() and current is not None:
            current.text = f"{current.text} {line}"
        else:
            raise ValueError(f"{data.slug}: unexpected performance line {line!r}")


def _parse_unit_knowledge(data: StandardData, lines: list[str]) -> None:
    current: Item | None = None
    groups: list[Group] = []
    items: list[Item] = []
    for line in lines:
        if not line:
            continue
        if m := _NUMBERED.match(line):
            current = Item(
                kind=KNOWLEDGE,
                reference=m.group(1),
                order=len(items) + 1,
                group_order=groups[-1].order,
                text=m.group(2),
            )
            items.append(current)
        elif (m := _LETTERED.match(line)) and current is not None:
            current.text = f"{current.text}\n{line}"
        elif line[0].islower() and current is not None:
            current.text = f"{current.text} {line}"
        else:
            groups.append(Group(KNOWLEDGE, len(groups) + 1, "", line))
            current = None
    if [i.reference for i in items] != [str(n) for n in range(1, len(items) + 1)]:
        raise ValueError(f"{data.slug}: knowledge references out of sequence")
    data.groups.extend(groups)
    data.items.extend(items)


# ------------------------------------------------------------------------ fixture


def parse_seed(spec: SeedSpec, seed_dir: Path) -> StandardData:
    raw = (seed_dir / spec.filename).read_text(encoding="utf-8")
    if spec.layout == "nos":
        return parse_nos(spec, raw)
    if spec.layout == "unit":
        return parse_unit(spec, raw)
    raise ValueError(f"unknown layout {spec.layout!r}")


def parse_all(seed_dir: Path | str) -> list[StandardData]:
    return [parse_seed(spec, Path(seed_dir)) for spec in SPECS]


def equivalence_items(standards: list[StandardData]) -> tuple[list[EqItem], list[EqItem]]:
    """Knowledge items of all standards; performance criteria of the two CPC 509 versions."""
    knowledge = [
        EqItem(s.slug, i.reference, i.kind, i.text, i.text_status)
        for s in standards
        for i in s.items_of(KNOWLEDGE)
    ]
    performance = [
        EqItem(s.slug, i.reference, i.kind, i.text, i.text_status)
        for s in standards
        if s.slug in PERFORMANCE_CORRESPONDENCE
        for i in s.items_of(PERFORMANCE)
    ]
    return knowledge, performance


def build_fixture(seed_dir: Path | str) -> list[dict[str, object]]:
    """Parse every seed and return the fixture as a list of Django objects."""
    standards = parse_all(seed_dir)
    out: list[dict[str, object]] = []
    for s in standards:
        out.append(
            {
                "model": "standards.standard",
                "fields": {
                    "slug": s.slug,
                    "code": s.code,
                    "title": s.title,
                    "version": s.version,
                    "status": s.status,
                    "suite": s.suite,
                    "developer": s.developer,
                    "approved": s.approved,
                    "review": s.review,
                    "overview": s.overview,
                    "scope": s.scope,
                    "values": s.values,
                    "glossary": s.glossary,
                    "source_document": s.source_document,
                    "notes": s.notes,
                },
            }
        )
    for s in standards:
        for g in s.groups:
            out.append(
                {
                    "model": "standards.criteriongroup",
                    "fields": {
                        "standard": [s.slug],
                        "kind": g.kind,
                        "order": g.order,
                        "reference": g.reference,
                        "title": g.title,
                    },
                }
            )
    for s in standards:
        for i in s.items:
            out.append(
                {
                    "model": "standards.criterion",
                    "fields": {
                        "standard": [s.slug],
                        "group": [s.slug, i.kind, i.group_order],
                        "kind": i.kind,
                        "reference": i.reference,
                        "order": i.order,
                        "text": i.text,
                        "text_status": i.text_status,
                    },
                }
            )
    knowledge, performance = equivalence_items(standards)
    groups = compute_groups(knowledge, KNOWLEDGE_THRESHOLD)
    groups += compute_groups(performance, PERFORMANCE_THRESHOLD)
    for eg in groups:
        out.append(
            {
                "model": "standards.equivalencegroup",
                "fields": {
                    "key": eg.key,
                    "kind": eg.kind,
                    "match": eg.match,
                    "similarity": eg.similarity,
                    "criteria": [list(m) for m in eg.members],
                },
            }
        )
    return out


def render_fixture(objects: list[dict[str, object]]) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m standards.conversion SEED_DIR OUTPUT.json", file=sys.stderr)
        return 2
    seed_dir, output = Path(args[0]), Path(args[1])
    output.write_text(render_fixture(build_fixture(seed_dir)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
