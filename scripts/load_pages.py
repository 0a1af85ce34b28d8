"""Load from a second process: many clients at once against a running server, on loopback.

Reads the pages (role and path) of an in-process run (``manage.py benchmark_pages LABEL``
writes docs/benchmarks/pages-LABEL.json), logs each role's demo user in through the log-in
page (password ``demo``), then runs ``--concurrency`` threads, each with its own session,
requesting the pages round-robin for ``--duration`` seconds. Prints throughput and latency
percentiles (overall and per page) as Markdown; ``--write`` saves docs/benchmarks/load-LABEL.md.

    DATABASE_URL=... .venv/bin/gunicorn portal.wsgi -w 4 -b 127.0.0.1:8765 &
    .venv/bin/python scripts/load_pages.py size-postgres --url http://127.0.0.1:8765 --write

No locust or wrk on this machine: threads with ``requests`` keep-alive sessions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks"


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=300)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit(f"No log-in form at {base}/accounts/login/ ({page.status_code}).")
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": "demo", "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=300,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"Log-in as {username} failed ({response.status_code}).")
    return session


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("label", help="An in-process run whose pages to request.")
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--workers", default="?", help="Gunicorn workers, for the report.")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    source = BENCHMARKS / f"pages-{args.label}.json"
    pages = [
        (row["role"], row["label"], row["path"])
        for row in json.loads(source.read_text())["results"]
        if row["path"].startswith("/")
    ]
    roles = sorted({role for role, _label, _path in pages})
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[int, int] = defaultdict(int)
    lock = threading.Lock()
    window = {"end": 0.0}
    # The window opens once every thread has logged in (run before any is released).
    ready = threading.Barrier(
        args.concurrency + 1,
        action=lambda: window.update(end=time.monotonic() + args.duration),
    )

    # One log-in per role (password hashing is slow by design); each thread copies the
    # session cookie into its own keep-alive session.
    cookies = {role: login(args.url, role).cookies for role in roles}

    def worker(offset: int) -> None:
        own = {}
        for role in roles:
            own[role] = requests.Session()
            own[role].cookies.update(cookies[role])
        ready.wait()
        index = offset
        while time.monotonic() < window["end"]:
            role, label, path = pages[index % len(pages)]
            index += 1
            started = time.perf_counter()
            try:
                response = own[role].get(f"{args.url}{path}", timeout=120, allow_redirects=False)
                status = response.status_code
            except requests.RequestException:
                status = 0  # reported as status 0: timed out or connection lost
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies[label].append(elapsed)
                statuses[status] += 1

    threads = [threading.Thread(target=worker, args=(n * 3,)) for n in range(args.concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()
    load = os.getloadavg()
    started = window["end"] - args.duration
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    everything = [value for values in latencies.values() for value in values]
    lines = [
        f"# Load from a second process: {args.label}",
        "",
        f"{args.concurrency} client threads (keep-alive sessions, each logged in as every "
        f"role's demo user) requesting {len(pages)} pages round-robin against {args.url} "
        f"({args.workers} gunicorn workers) for {wall:.0f} s; load average "
        f"{' '.join(f'{x:.1f}' for x in load)} before, "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} after on {os.cpu_count()} cores.",
        "",
        f"**{len(everything) / wall:.1f} requests/s**; latency median "
        f"{statistics.median(everything):.0f} ms, p95 {percentile(everything, 0.95):.0f} ms, "
        f"p99 {percentile(everything, 0.99):.0f} ms; statuses "
        + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
        + ".",
        "",
        "| Page | Requests | Median ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for label, values in latencies.items():
        lines.append(
            f"| {label} | {len(values)} | {statistics.median(values):.0f} | "
            f"{percentile(values, 0.95):.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (BENCHMARKS / f"load-{args.label}.md").write_text(text)


if __name__ == "__main__":
    main()
