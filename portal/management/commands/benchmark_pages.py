"""Per-page server time and query count of every role's main pages, in-process.

Logs in as each role's demo user (``manage.py demo``, or ``generate_data`` on top of it) with
Django's test client on the configured database, requests each page ``--repeat`` times after
one warm-up and writes a Markdown table (median, p95, queries, size) to
``docs/benchmarks/pages-<label>.md`` with the figures as JSON beside it, so a run at size can
be compared with a run on the demo data (``--compare``). Not part of CI: see
docs/performance.md.

Pages are named by URL name; one that does not exist (yet, or any more) is skipped with a
note, as is one whose object cannot be found.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments.models import Enrolment
from evidence.models import EvidenceItem
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.demo import DEMO_CENTRE

OUTPUT = Path(settings.BASE_DIR) / "docs" / "benchmarks"
TARGET_MEDIAN_MS = 50
TARGET_P95_MS = 150
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Page:
    role: str  # the demo username who requests it
    label: str
    name: str  # URL name
    args: Callable[[], list[Any]] = list
    query: str = ""


@dataclass
class Result:
    role: str
    label: str
    path: str
    status: int
    median_ms: float
    p95_ms: float
    cpu_ms: float  # this process's CPU time, median: less inflated by a busy machine
    queries: int
    kb: float


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _largest_caseload_enrolment() -> int:
    """The demo assessor's enrolment with the most evidence: the grid's worst case."""
    enrolment = (
        Enrolment.objects.filter(assessor__username="assessor1")
        .annotate(n=Count("evidence_items"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if enrolment is None:
        raise LookupError("assessor1 has no enrolments")
    return enrolment


def _item_to_review() -> int:
    """A submitted item of the largest enrolment (else an accepted one): one to review."""
    items = EvidenceItem.objects.filter(enrolment_id=_largest_caseload_enrolment())
    item = (
        items.filter(status=EvidenceItem.Status.SUBMITTED).first()
        or items.filter(status=EvidenceItem.Status.ACCEPTED).first()
    )
    if item is None:
        raise LookupError("no evidence item in assessor1's caseload")
    return item.pk


def _learner_enrolment() -> int:
    return Enrolment.objects.filter(learner__username="learner1").order_by("pk").first().pk


def _learner_item() -> int:
    return EvidenceItem.objects.filter(learner__username="learner1").order_by("pk").first().pk


def _demo_centre() -> int:
    return Centre.objects.get(name=DEMO_CENTRE).pk


PAGES = [
    Page("learner1", "Learner: progress (dashboard)", "learner_dashboard"),
    Page("learner1", "Learner: evidence list", "evidence:list"),
    Page("learner1", "Learner: evidence item", "evidence:detail", lambda: [_learner_item()]),
    Page("learner1", "Learner: unit grid", "review:grid", lambda: [_learner_enrolment()]),
    Page("learner1", "Learner: standards search", "standards:search", query="q=care"),
    Page("assessor1", "Assessor: caseload", "assessor_dashboard"),
    Page("assessor1", "Assessor: evidence list", "evidence:list"),
    Page("assessor1", "Assessor: grid", "review:grid", lambda: [_largest_caseload_enrolment()]),
    Page("assessor1", "Assessor: review item", "review:review", lambda: [_item_to_review()]),
    Page("assessor1", "Assessor: record", "assessments:record", lambda: [_learner_enrolment()]),
    Page("iqa1", "IQA: dashboard", "iqa_dashboard"),
    Page("iqa1", "IQA: assessors", "review:iqa_assessors"),
    Page(
        "iqa1",
        "IQA: decisions of assessor1",
        "review:iqa_decisions",
        lambda: [_user("assessor1").pk],
    ),
    Page("iqa1", "IQA: quality home", "quality:home"),
    Page("iqa1", "IQA: quality decisions", "quality:decisions"),
    Page("iqa1", "IQA: quality assessor", "quality:assessor", lambda: [_user("assessor1").pk]),
    Page("admin1", "Admin: centre dashboard", "centre_dashboard"),
    Page("admin1", "Admin: people", "centres:people"),
    Page("admin1", "Admin: people search", "centres:people", query="q=smith"),
    Page("admin1", "Admin: enrolments", "centres:enrolments"),
    Page("admin1", "Admin: enrolments search", "centres:enrolments", query="q=smith"),
    Page("admin1", "Admin: person detail", "centres:person_detail", lambda: [_user("learner1").pk]),
    Page("admin1", "Admin: evidence list", "evidence:list"),
    Page("admin1", "Admin: portfolio exports", "portfolio:exports"),
    Page("eqa1", "EQA: dashboard", "eqa_dashboard"),
    Page("eqa1", "EQA: centre", "eqa_centre", lambda: [_demo_centre()]),
    Page("eqa1", "EQA: samples", "eqa_samples", lambda: [_demo_centre()]),
    Page("eqa1", "EQA: visits", "visits:list"),
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_page(
    client: Client, path: str, repeat: int
) -> tuple[int, list[float], list[float], int, int]:
    response = client.get(path)  # warm-up: caches, first-use imports
    times = []
    cpu = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            started_cpu = time.process_time()
            response = client.get(path)
            cpu.append((time.process_time() - started_cpu) * 1000)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return response.status_code, times, cpu, queries, len(response.content)


def slowest_queries(client: Client, path: str) -> list[tuple[float, str, Any]]:
    """One more request, timing each query: (ms, sql, params), slowest first."""
    timed: list[tuple[float, str, Any]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(timer):
        client.get(path)
    return sorted(timed, key=lambda row: row[0], reverse=True)


def explain(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure_portfolio(repeat: int) -> Result | None:
    """The learner's portfolio PDF, rendered as the export worker renders it."""
    from portal.portfolio.render import render_portfolio

    learner = _user("learner1")
    centre = learner.centre
    times = []
    cpu = []
    queries = 0
    size = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            started_cpu = time.process_time()
            rendered = render_portfolio(
                learner, centre, requested_by=learner, code="BENCH", export_code="BENCH"
            )
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = len(captured)
        size = len(rendered.pdf)
    return Result(
        "learner1",
        "Learner: portfolio PDF (render)",
        "(export worker)",
        200,
        statistics.median(times),
        _percentile(times, 0.95),
        statistics.median(cpu),
        queries,
        size / 1024,
    )


class Command(BaseCommand):
    help = (
        "Time every role's main pages in-process (median, p95, queries) as the demo users and "
        "write docs/benchmarks/pages-<label>.md (and .json)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("label", help="Names the output, e.g. demo-sqlite, size-postgres.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page.")
        parser.add_argument("--pdf-repeat", type=int, default=2, help="Portfolio renders.")
        parser.add_argument("--only", default="", help="Only pages whose label contains this.")
        parser.add_argument(
            "--compare", default="", help="Label of an earlier run: adds a ratio column."
        )
        parser.add_argument(
            "--explain",
            type=int,
            default=0,
            help="PostgreSQL: EXPLAIN ANALYZE the N slowest queries (one per page) into "
            "docs/benchmarks/plans-<label>.md.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        label = options["label"]
        if not label.replace("-", "").replace("_", "").isalnum():
            raise CommandError("The label may hold letters, digits, - and _ only.")
        load = os.getloadavg()
        baseline: dict[str, tuple[float, float | None]] = {}
        if options["compare"]:
            earlier = OUTPUT / f"pages-{options['compare']}.json"
            if not earlier.exists():
                raise CommandError(f"No earlier run {earlier}.")
            rows = json.loads(earlier.read_text())["results"]
            baseline = {row["label"]: (row["median_ms"], row.get("cpu_ms")) for row in rows}
        results: list[Result] = []
        candidates: list[tuple[float, str, str, Any]] = []
        notes: list[str] = []
        clients: dict[str, Client] = {}
        for page in PAGES:
            if options["only"] and options["only"].lower() not in page.label.lower():
                continue
            try:
                path = reverse(page.name, args=page.args())
            except NoReverseMatch:
                notes.append(f"{page.label}: no URL named {page.name!r}; skipped.")
                continue
            except (LookupError, AttributeError, User.DoesNotExist, Centre.DoesNotExist) as error:
                notes.append(f"{page.label}: nothing to show ({error}); skipped.")
                continue
            if page.query:
                path = f"{path}?{page.query}"
            if page.role not in clients:
                try:
                    user = _user(page.role)
                except User.DoesNotExist:
                    raise CommandError(
                        f"No user {page.role}: run manage.py demo (or generate_data) first."
                    ) from None
                clients[page.role] = Client(SERVER_NAME="localhost", raise_request_exception=False)
                clients[page.role].force_login(user)
            status, times, cpu, queries, size = measure_page(
                clients[page.role], path, options["repeat"]
            )
            if 300 <= status < 400:
                notes.append(f"{page.label}: {path} redirects ({status}); not measured.")
                continue
            result = Result(
                page.role,
                page.label,
                path,
                status,
                statistics.median(times),
                _percentile(times, 0.95),
                statistics.median(cpu),
                queries,
                size / 1024,
            )
            results.append(result)
            if options["explain"]:
                slowest = slowest_queries(clients[page.role], path)
                if slowest:
                    candidates.append((slowest[0][0], page.label, slowest[0][1], slowest[0][2]))
            self.stdout.write(
                f"{result.label:<36} {status} {result.median_ms:8.1f} ms "
                f"p95 {result.p95_ms:8.1f} ms cpu {result.cpu_ms:7.1f} ms {queries:4d} q "
                f"{result.kb:7.1f} KB"
            )
        if options["pdf_repeat"] > 0 and (
            not options["only"] or options["only"].lower() in "learner: portfolio pdf"
        ):
            result = measure_portfolio(options["pdf_repeat"])
            results.append(result)
            self.stdout.write(
                f"{result.label:<36} {result.median_ms:8.1f} ms p95 {result.p95_ms:8.1f} ms"
            )
        self._write(label, results, notes, baseline, options, load)
        if candidates and connection.vendor == "postgresql":
            self._write_plans(label, sorted(candidates, reverse=True)[: options["explain"]])

    def _write(
        self,
        label: str,
        results: list[Result],
        notes: list[str],
        baseline: dict[str, tuple[float, float | None]],
        options: dict[str, Any],
        load: tuple[float, float, float],
    ) -> None:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        counts = {
            "learners": User.objects.filter(is_learner=True).count(),
            "enrolments": Enrolment.objects.count(),
            "evidence items": EvidenceItem.objects.count(),
        }
        when = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            f"# Page benchmark: {label}",
            "",
            f"Run {when} by `manage.py benchmark_pages {label}` on {connection.vendor} "
            f"({', '.join(f'{n:,} {k}' for k, n in counts.items())}); "
            f"{options['repeat']} requests per page after one warm-up, Django test client "
            f"in-process (server time: middleware, view, template; no network), "
            f"{platform.node()}, DEBUG={settings.DEBUG}, load average "
            f"{' '.join(f'{x:.1f}' for x in load)} before and "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} after on "
            f"{os.cpu_count()} cores (figures on a shared machine are inflated by other "
            f"processes). Targets: median < "
            f"{TARGET_MEDIAN_MS} ms, p95 < {TARGET_P95_MS} ms"
            + (f", median / {options['compare']} < {TARGET_RATIO}" if baseline else "")
            + ". A page missing a target is marked **miss**.",
            "",
            "| Page | Status | Median ms | p95 ms | CPU ms | Queries | KB |"
            + (" Ratio | CPU ratio |" if baseline else "")
            + " Target |",
            "|---|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if baseline else "") + "---|",
        ]
        for r in results:
            earlier, earlier_cpu = baseline.get(r.label, (None, None))
            ratio = r.median_ms / earlier if earlier else None
            cpu_ratio = r.cpu_ms / earlier_cpu if earlier_cpu else None
            miss = (
                r.status != 200
                or r.median_ms >= TARGET_MEDIAN_MS
                or r.p95_ms >= TARGET_P95_MS
                or (ratio is not None and ratio >= TARGET_RATIO)
            )
            row = (
                f"| {r.label} | {r.status} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.cpu_ms:.1f} "
                f"| {r.queries} | "
                f"{r.kb:.0f} |"
            )
            if baseline:
                row += f" {ratio:.2f} |" if ratio is not None else " – |"
                row += f" {cpu_ratio:.2f} |" if cpu_ratio is not None else " – |"
            row += " **miss** |" if miss else " ok |"
            lines.append(row)
        if notes:
            lines += ["", "Skipped:", ""] + [f"- {note}" for note in notes]
        markdown = OUTPUT / f"pages-{label}.md"
        markdown.write_text("\n".join(lines) + "\n")
        (OUTPUT / f"pages-{label}.json").write_text(
            json.dumps(
                {"label": label, "counts": counts, "results": [asdict(r) for r in results]},
                indent=1,
            )
            + "\n"
        )
        self.stdout.write(f"Wrote {markdown}")

    def _write_plans(self, label: str, slowest: list[tuple[float, str, str, Any]]) -> None:
        lines = [f"# Slowest query of the slowest pages: {label}", ""]
        for ms, page_label, sql, params in slowest:
            lines += [
                f"## {page_label}: {ms:.1f} ms",
                "",
                "```sql",
                sql,
                "```",
                "",
                f"Parameters: `{params!r}`",
                "",
                "```",
                explain(sql, params),
                "```",
                "",
            ]
        path = OUTPUT / f"plans-{label}.md"
        path.write_text("\n".join(lines))
        self.stdout.write(f"Wrote {path}")
