"""Request ids and structured logs, in the web process and on the task workers.

Every request gets an id: the caller's ``X-Request-ID`` when it is a sane token (a load
balancer or proxy usually sets one), else a new one. It is echoed in the response's
``X-Request-ID``, added to every log line written while the request runs (``RequestIdFilter``)
and handed to the background tasks the request enqueues, so the worker's log lines of those
tasks carry it too:

- database backend: kept beside the task's arguments in its row (``args_kwargs``), read back
  when the worker starts the task (``task_started``);
- RQ backend: kept in the job's ``meta``, read back by the worker from the current job.

``LOG_FORMAT=json`` (the default when DEBUG is off) writes one JSON object per line
(python-json-logger) with the time, level, logger, message and request id.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("portal.request")
task_logger = logging.getLogger("portal.tasks")

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def request_id_from(value: str | None) -> str:
    """The caller's id when it is 8-128 letters, digits or ``._:-``; a new one otherwise."""
    if value and _SANE.match(value):
        return value
    return uuid.uuid4().hex


#: The request being served, so that a task enqueued during it can be filed under the signed-in
#: user's centre (its failures are then shown to that centre's admins).
request_var: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "request", default=None
)


def current_centre_id() -> int | None:
    """The centre of the user whose request is being served, if any (read when a task is
    enqueued: by then the authentication middleware has set ``request.user``)."""
    user = getattr(request_var.get(), "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.centre_id


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (empty outside a request or task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    """First in the chain: sets the request id, echoes it, logs one line per request with the
    URL pattern (never the path itself, which may hold a witness link's token), the status
    and the time taken."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        token = request_id_var.set(request_id)
        request_token = request_var.set(request)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            match = request.resolver_match
            logger.info(
                "%s %s %s",
                request.method,
                match.route if match else "(unrouted)",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": match.route if match else "",
                    "view": match.view_name if match else "",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
            request_var.reset(request_token)


# Tasks: hand the id over on enqueue, take it back when the worker starts the task.


def _on_task_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    request_id = request_id_var.get()
    task_logger.info(
        "task enqueued %s",
        task_result.task.module_path,
        extra={"task_id": str(task_result.id), "task": task_result.task.module_path},
    )
    if not request_id:
        return
    extra = {"request_id": request_id}
    centre_id = current_centre_id()
    if centre_id is not None:
        extra["centre_id"] = centre_id
    db_result = getattr(task_result, "db_result", None)
    if db_result is not None:
        # django_tasks_db: the row was just written; keep the ids beside the arguments
        # (the backend reads only "args" and "kwargs" back).
        type(db_result).objects.filter(pk=db_result.pk).update(
            args_kwargs={**db_result.args_kwargs, **extra}
        )
        return
    if _is_rq(task_result):
        backend = task_result.task.get_backend()
        job = backend._get_job(task_result.id)
        if job is not None:
            job.meta.update(extra)
            job.save_meta()


def _is_rq(task_result: Any) -> bool:
    try:
        from django_tasks_rq.backend import RQBackend
    except ImportError:
        return False
    return isinstance(task_result.task.get_backend(), RQBackend)


def _request_id_of(task_result: Any) -> str:
    db_result = getattr(task_result, "db_result", None)
    if db_result is not None:
        return str((db_result.args_kwargs or {}).get("request_id", ""))
    if _is_rq(task_result):
        job = task_result.task.get_backend()._get_job(task_result.id)
        if job is not None:
            return str(job.meta.get("request_id", ""))
    return ""


_task_tokens: dict[str, contextvars.Token[str]] = {}


def _on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    request_id = _request_id_of(task_result) or request_id_var.get()
    _task_tokens[str(task_result.id)] = request_id_var.set(request_id)
    task_logger.info(
        "task started %s",
        task_result.task.module_path,
        extra={"task_id": str(task_result.id), "task": task_result.task.module_path},
    )


def _on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    extra = {
        "task_id": str(task_result.id),
        "task": task_result.task.module_path,
        "task_status": str(task_result.status),
    }
    if str(task_result.status) == "FAILED":
        task_logger.error(
            "task failed %s: %s",
            task_result.task.module_path,
            task_result.errors[-1].exception_class_path if task_result.errors else "",
            extra=extra,
        )
    else:
        task_logger.info("task finished %s", task_result.task.module_path, extra=extra)
    token = _task_tokens.pop(str(task_result.id), None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # finished in another context than it started
            request_id_var.set("")


def connect_task_signals() -> None:
    from django_tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(_on_task_enqueued, dispatch_uid="portal_request_id_enqueued")
    task_started.connect(_on_task_started, dispatch_uid="portal_request_id_started")
    task_finished.connect(_on_task_finished, dispatch_uid="portal_request_id_finished")
