"""docs/security.md names the test behind each rule: every ``tests/…py::test_name`` it cites
(and every ``::test_name`` continuing the previous file in the same cell) must exist, and every
``path::function`` of the code it cites must be defined there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
CITATION = re.compile(r"`((?:[\w./]+\.py)?)::(\w+)`")


def _defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _citations() -> list[tuple[str, str]]:
    cited = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        current = ""
        for path, name in CITATION.findall(line):
            current = path or current
            cited.append((current, name))
    return cited


def test_the_threat_model_cites_tests_and_code_that_exist() -> None:
    cited = _citations()
    assert len(cited) > 100
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not path or not (ROOT / path).is_file() or name not in _defined(ROOT / path)
    ]
    assert missing == []
