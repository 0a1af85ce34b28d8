from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

from assessments.anchors import anchor_problem, latest_anchors
from assessments.record import (
    ChainReport,
    centres_with_records,
    checkpoint_save,
    verify_centre,
    verify_centre_since_checkpoint,
)

# Entries of the older record (before the checkpoint) re-checked per centre and run, so a
# change behind the checkpoint is found within (entries / SWEEP) runs.
SWEEP = 2_000


def check_centre(centre_id: int, full: bool, sweep: int) -> ChainReport:
    """Check one centre's chain and move its checkpoint to the head found intact."""
    report = (
        verify_centre(centre_id) if full else verify_centre_since_checkpoint(centre_id, sweep=sweep)
    )
    checkpoint_save(report)
    return report


def _check_in_worker(centre_id: int, full: bool, sweep: int) -> ChainReport:
    try:
        return check_centre(centre_id, full, sweep)
    finally:
        connections.close_all()  # each worker process opens its own connection


def _can_fork() -> bool:
    """Other processes see only committed rows in a database file or server: not inside a
    transaction (a test's) and not an in-memory SQLite database."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    return not connection.in_atomic_block and not in_memory


class Command(BaseCommand):
    help = (
        "Check each centre's assessment record: every entry's hash, its MAC and the chain of "
        "hashes, then the latest anchor of each centre (manage.py anchor_record). Names the "
        "first broken or forged entry, or the truncation, and exits non-zero if any. "
        "Checks from each centre's stored checkpoint (the head last found intact, signed) "
        "plus a rolling window of the older record; --full checks every entry. Centres are "
        "checked in parallel processes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", type=int, help="Check only this centre (its id).")
        parser.add_argument(
            "--full",
            action="store_true",
            help="Check every entry from #1, ignoring the checkpoints (then store new ones).",
        )
        parser.add_argument(
            "--sweep",
            type=int,
            default=SWEEP,
            help=f"Older entries re-checked per centre after a checkpoint (default {SWEEP}).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Centres checked at once, each in its own process (default: CPU count).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jobs"] < 1 or options["sweep"] < 0:
            raise CommandError("--jobs must be at least 1 and --sweep not negative.")
        anchors, problems = latest_anchors()
        if options["centre"]:
            centre_ids = [options["centre"]]
            problems = [p for p in problems if p.centre_id in (None, options["centre"])]
        else:
            centre_ids = sorted(set(centres_with_records()) | set(anchors))
        for problem in problems:
            self.stderr.write(f"BROKEN {problem}")
        broken = len(problems)
        for report in self._reports(centre_ids, options):
            broken += self._print(report, anchors)
        if broken:
            raise CommandError(f"The record is broken or forged ({broken} problem(s)).")
        if not centre_ids:
            self.stdout.write("No record entries yet.")

    def _reports(self, centre_ids: list[int], options: dict[str, Any]) -> list[ChainReport]:
        full, sweep = options["full"], options["sweep"]
        jobs = min(options["jobs"], len(centre_ids))
        if jobs <= 1 or not _can_fork():
            return [check_centre(centre_id, full, sweep) for centre_id in centre_ids]
        connections.close_all()  # a forked child must not share the parent's connection
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [
                pool.submit(_check_in_worker, centre_id, full, sweep) for centre_id in centre_ids
            ]
            return [future.result() for future in futures]

    def _print(self, report: ChainReport, anchors: dict) -> int:
        """Print one centre's result; the number of problems found (0 to 2)."""
        anchor = anchors.get(report.centre_id)
        problems = [p for p in (report.first_break, anchor and anchor_problem(anchor)) if p]
        for problem in problems:
            self.stderr.write(f"BROKEN {problem}")
        if problems:
            return len(problems)
        unsigned = (
            f", {report.unsigned} unsigned (written before signing began)"
            if report.unsigned
            else ""
        )
        anchored = (
            f", anchored head #{anchor.sequence} ({anchor.anchored_at}) present"
            if anchor
            else ", not yet anchored"
        )
        if report.resumed_from:
            how = f" (checked {report.checked} from the checkpoint at #{report.resumed_from}"
            how += f", re-checked #{report.swept[0]}..#{report.swept[1]})" if report.swept else ")"
        else:
            how = ""
        self.stdout.write(
            f"Centre {report.centre_id}: {report.entries} entries{unsigned}, chain intact"
            f"{how}{anchored}, head {report.head_hash}"
        )
        return 0
