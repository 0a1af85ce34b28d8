"""Background tasks: one per learner, so several workers can share a cohort and a worker
started with ``db_worker --max-tasks N`` is recycled after N learners."""

from __future__ import annotations

from django_tasks import task

from portal.portfolio import services


@task()
def render_learner(export_id: int, learner_id: int) -> None:
    services.export_render_learner(export_id=export_id, learner_id=learner_id)


@task()
def prune_exports() -> int:
    return services.exports_prune()
