"""Bounded memory on the bombs of the corpus: the issue measured 2.1 GB for a 1 MB zip
bomb, 23 GB for a huge ``order`` and 1.7 GB for an 800 MB manifest. Each bomb is fed to
the real inspection code in a child process whose peak RSS is measured by the parent
(``RUSAGE_CHILDREN``) and reported by the child itself, against an idle child's."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

CAP_KB = 300 * 1024  # above the idle baseline
ROOT = Path(__file__).resolve().parents[2]


def _run(mode: str) -> tuple[str, int, float]:
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 -- our own interpreter and module
        [sys.executable, "-m", "tests.security.memory_probe", mode],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, int(done.stdout.split()[-1]), time.monotonic() - started


def test_bombs_stay_within_300_mb_of_an_idle_process() -> None:
    _out, idle_self, _ = _run("idle")
    idle_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out, bombs_self, seconds = _run("bombs")
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert out.count("refused:") == 3
    assert "a possible zip bomb" in out and "decompression bomb" in out
    assert "nested 1000000 levels deep" in out
    assert "up to at most 10,000" in out
    assert "manifest: ('PF-AAAA-BBBB-CCCC', None)" in out
    assert bombs_self - idle_self < CAP_KB, (idle_self, bombs_self)
    assert peak_children - max(idle_children, idle_self) < CAP_KB
    assert seconds < 30
