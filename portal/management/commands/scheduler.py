"""python manage.py scheduler — one process that runs the periodic commands at their
intervals, for an installation without cron or systemd timers (docs/deploy.md):

=======================  ===========================================================
collect_notifications    every minute: new decisions and submissions become notifications
cleanup                  every hour: expired exports, stale uploads, old task results
anchor_record            every hour: the decision record's heads copied outside the database
send_digests             every day: the daily email digest
=======================  ===========================================================

Run exactly one scheduler (the commands are safe to repeat, but twice the digests is twice the
email). A failing command is logged and tried again at its next turn; SIGTERM stops the loop
after the command that is running. ``--once`` runs each command once and exits.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE
JOBS: list[tuple[str, int]] = [
    ("collect_notifications", MINUTE),
    ("cleanup", HOUR),
    ("anchor_record", HOUR),
    ("send_digests", 24 * HOUR),
]


class Command(BaseCommand):
    help = "Run the periodic commands (notifications, clean-up, anchoring, digests) in one loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run each command once, exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        due = dict.fromkeys((name for name, _ in JOBS), time.monotonic())
        while not self.stopping:
            for name, every in JOBS:
                if self.stopping or time.monotonic() < due[name]:
                    continue
                self._run(name)
                due[name] = time.monotonic() + every
            if once:
                return
            time.sleep(max(0.0, min(min(due.values()) - time.monotonic(), 5.0)))

    def _run(self, name: str) -> None:
        close_old_connections()
        started = time.monotonic()
        try:
            call_command(name, verbosity=0)
        except Exception:  # logged; tried again at its next turn
            logger.exception("scheduled command %s failed", name)
        else:
            logger.info(
                "scheduled command %s done",
                name,
                extra={"command": name, "duration_ms": round((time.monotonic() - started) * 1000)},
            )
        finally:
            close_old_connections()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("scheduler stopping (signal %s)", signum)
        self.stopping = True
