"""The task flow: queued, running, progress, done, failed, retried, expired; ZIPs."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from portal.portfolio import services
from portal.portfolio.models import PortfolioDocument, PortfolioExport
from portal.portfolio.tasks import prune_exports, render_learner
from tests.factories import EnrolmentFactory

Status = PortfolioExport.Status


def _request(people, learners, scope=PortfolioExport.Scope.SELECTION) -> PortfolioExport:
    return services.export_request(
        requested_by=people.admin,
        centre=people.centre,
        scope=scope,
        scope_label="test",
        learners=learners,
    )


def test_single_learner_export_runs_to_done(people, portfolio) -> None:
    export = _request(people, [people.learner], PortfolioExport.Scope.LEARNER)
    assert export.status == Status.DONE
    assert (export.progress_done, export.progress_total) == (1, 1)
    assert export.task_result_id
    assert export.result_name.endswith(".pdf")
    with export.result.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == export.sha256
    assert export.expires_at > timezone.now() + datetime.timedelta(hours=71)
    document = export.documents.get()
    assert document.sha256 == export.sha256 and document.pages > 3


def test_progress_is_counted_per_learner(people, portfolio, monkeypatch) -> None:
    """Called directly, as a worker would: queued, then running with progress, then done."""
    EnrolmentFactory(learner=people.other_learner, centre=people.centre)
    export = PortfolioExport.objects.create(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.SELECTION,
        scope_label="two",
        progress_total=2,
    )
    export.learners.set([people.learner, people.other_learner])
    assert export.status == Status.QUEUED
    render_learner.call(export.pk, people.learner.pk)
    export.refresh_from_db()
    assert (export.status, export.progress_done, export.percent) == (Status.RUNNING, 1, 50)
    render_learner.call(export.pk, people.learner.pk)  # a repeated task is harmless
    export.refresh_from_db()
    assert export.documents.count() == 1
    render_learner.call(export.pk, people.other_learner.pk)
    export.refresh_from_db()
    assert export.status == Status.DONE and export.result_name.endswith(".zip")


def test_cohort_zip_has_pdfs_large_files_and_manifest(people, portfolio, settings) -> None:
    settings.PORTFOLIO_EMBED_MAX_BYTES = 10  # every evidence file is "large"
    EnrolmentFactory(learner=people.other_learner, centre=people.centre)
    export = _request(people, [people.learner, people.other_learner])
    assert export.status == Status.DONE
    with export.result.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = archive.namelist()
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["export"] == export.verification_code
    pdfs = [n for n in names if n.endswith(".pdf") and "/evidence/" not in n]
    assert len(pdfs) == 2
    assert any(n.startswith("alice/evidence/E1-") for n in names)
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    assert "SHA256SUMS" in names


def test_failure_is_recorded_and_retry_succeeds(people, portfolio, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("the renderer ran out of paper")

    monkeypatch.setattr(services, "render_portfolio", broken)
    export = _request(people, [people.learner], PortfolioExport.Scope.LEARNER)
    assert export.status == Status.FAILED
    assert "Alice Learner: the renderer ran out of paper" in export.error
    assert not PortfolioDocument.objects.exists()
    monkeypatch.undo()
    export = services.export_retry(export=export)
    assert export.status == Status.DONE and export.attempts == 2 and not export.error


def test_only_failed_exports_can_be_retried(people, portfolio) -> None:
    from django.core.exceptions import ValidationError

    export = _request(people, [people.learner], PortfolioExport.Scope.LEARNER)
    with pytest.raises(ValidationError):
        services.export_retry(export=export)


def test_learners_must_belong_to_the_centre(people) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _request(people, [people.outsider_learner])


def test_prune_deletes_expired_files_and_keeps_codes(people, portfolio, settings) -> None:
    export = _request(people, [people.learner], PortfolioExport.Scope.LEARNER)
    name = export.result.name
    assert services.exports_prune() == 0
    later = export.expires_at + datetime.timedelta(seconds=1)
    assert services.exports_prune(now=later) == 1
    export.refresh_from_db()
    assert export.status == Status.EXPIRED and not export.result
    assert not storages["private"].exists(name)
    assert export.documents.get().verification_code  # still verifiable


def test_prune_task_and_command(people, portfolio, settings) -> None:
    settings.PORTFOLIO_EXPORT_TTL_HOURS = 0
    _request(people, [people.learner], PortfolioExport.Scope.LEARNER)
    assert prune_exports.call() == 1
    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert "Expired 0 exports." in out.getvalue()


def test_export_portfolio_command(people, portfolio, tmp_path) -> None:
    target = tmp_path / "alice.pdf"
    out = io.StringIO()
    call_command("export_portfolio", "alice", "--output", str(target), stdout=out)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    document = PortfolioDocument.objects.get(learner=people.learner)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.verification_code in out.getvalue()


def test_database_backend_queues_until_a_worker_runs(people, portfolio, settings) -> None:
    """With the default database backend nothing renders in the request; the worker's task
    does, and the finished export schedules its own clean-up for when it expires."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    export = _request(people, [people.learner], PortfolioExport.Scope.LEARNER)
    assert export.status == Status.QUEUED and export.progress_done == 0
    queued = DBTaskResult.objects.get(id=export.task_result_id)
    assert queued.task_path == "portal.portfolio.tasks.render_learner"
    render_learner.call(*queued.args_kwargs["args"])
    export.refresh_from_db()
    assert export.status == Status.DONE
    prune = DBTaskResult.objects.get(task_path="portal.portfolio.tasks.prune_exports")
    assert prune.run_after == export.expires_at
