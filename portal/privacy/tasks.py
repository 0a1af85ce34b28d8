"""Background tasks for data protection: build a subject access ZIP, delete expired ones."""

from __future__ import annotations

from django_tasks import task

from portal.privacy import subject_access


@task()
def build_subject_export(export_id: int) -> None:
    subject_access.subject_export_build(export_id=export_id)


@task()
def prune_subject_exports() -> int:
    return subject_access.subject_exports_prune()
