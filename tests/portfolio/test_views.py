"""The export pages: happy paths, wrong methods, wrong roles, another centre's objects."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.portfolio import services
from portal.portfolio.models import PortfolioExport
from tests.factories import EnrolmentFactory


def test_person_page_has_export_button(people) -> None:
    response = people.client_for(people.admin).get(
        reverse("centres:person_detail", args=[people.learner.pk])
    )
    assert reverse("portfolio:export_learner", args=[people.learner.pk]).encode() in (
        response.content
    )


def test_admin_exports_a_learner(people, portfolio) -> None:
    client = people.client_for(people.admin)
    response = client.post(reverse("portfolio:export_learner", args=[people.learner.pk]))
    export = PortfolioExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:export_detail", args=[export.pk])
    assert export.status == PortfolioExport.Status.DONE
    page = client.get(response["Location"])
    assert b'role="progressbar"' in page.content and b"Download" in page.content
    download = client.get(reverse("portfolio:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_learner_exports_only_themself(people, portfolio) -> None:
    client = people.client_for(people.learner)
    assert client.post(
        reverse("portfolio:export_learner", args=[people.learner.pk])
    ).status_code == (302)
    other = client.post(reverse("portfolio:export_learner", args=[people.other_learner.pk]))
    assert other.status_code == 404
    export = PortfolioExport.objects.get()
    assert export.requested_by == people.learner
    # The learner sees their own export but not the admin's.
    assert client.get(reverse("portfolio:export_detail", args=[export.pk])).status_code == 200


def test_assessor_exports_their_learner_only(people, portfolio) -> None:
    client = people.client_for(people.assessor)
    assert client.post(
        reverse("portfolio:export_learner", args=[people.learner.pk])
    ).status_code == (302)
    assert (
        client.post(reverse("portfolio:export_learner", args=[people.other_learner.pk])).status_code
        == 404
    )


def test_admin_of_another_centre_gets_404(people, portfolio) -> None:
    export = services.export_request(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.LEARNER,
        scope_label="Alice",
        learners=[people.learner],
    )
    client = people.client_for(people.outsider_admin)
    for name in ("export_detail", "export_status", "export_download"):
        assert client.get(reverse(f"portfolio:{name}", args=[export.pk])).status_code == 404
    assert (
        client.post(reverse("portfolio:export_learner", args=[people.learner.pk])).status_code
        == 404
    )


def test_cohort_by_assessor(people, portfolio) -> None:
    EnrolmentFactory(learner=people.other_learner, centre=people.centre, assessor=people.assessor)
    client = people.client_for(people.admin)
    form = client.get(reverse("portfolio:export_cohort"))
    assert b"All learners of an assessor" in form.content
    response = client.post(
        reverse("portfolio:export_cohort"),
        {"scope": "assessor", "assessor": people.assessor.pk},
    )
    export = PortfolioExport.objects.get()
    assert response.status_code == 302
    assert set(export.learners.all()) == {people.learner, people.other_learner}
    assert export.status == PortfolioExport.Status.DONE and export.is_zip
    download = people.client_for(people.admin).get(
        reverse("portfolio:export_download", args=[export.pk])
    )
    assert download["Content-Type"] == "application/zip"


def test_cohort_form_errors(people, portfolio) -> None:
    client = people.client_for(people.admin)
    response = client.post(reverse("portfolio:export_cohort"), {"scope": "standard"})
    assert response.status_code == 200 and b"Choose the standard." in response.content
    response = client.post(reverse("portfolio:export_cohort"), {"scope": "completed"})
    assert b"No learners match that choice." in response.content
    assert not PortfolioExport.objects.exists()


def test_cohort_is_for_admins(people) -> None:
    assert (
        people.client_for(people.assessor).get(reverse("portfolio:export_cohort")).status_code
        == 403
    )


def test_status_fragment_polls_while_running(people) -> None:
    export = PortfolioExport.objects.create(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.SELECTION,
        scope_label="two",
        status=PortfolioExport.Status.RUNNING,
        progress_done=1,
        progress_total=4,
    )
    response = people.client_for(people.admin).get(
        reverse("portfolio:export_status", args=[export.pk])
    )
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'aria-valuenow="25"' in html and "1 of 4 portfolios done" in html


def test_failed_export_shows_reason_and_retries(people, portfolio, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "render_portfolio", broken)
    client = people.client_for(people.admin)
    client.post(reverse("portfolio:export_learner", args=[people.learner.pk]))
    export = PortfolioExport.objects.get()
    page = client.get(reverse("portfolio:export_detail", args=[export.pk]))
    assert b"disk full" in page.content and b"Try again" in page.content
    assert b"every 2s" not in page.content
    monkeypatch.undo()
    response = client.post(reverse("portfolio:export_retry", args=[export.pk]))
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.status == PortfolioExport.Status.DONE


def test_export_list_pages(people, portfolio, django_assert_max_num_queries) -> None:
    for _ in range(3):
        services.export_request(
            requested_by=people.admin,
            centre=people.centre,
            scope=PortfolioExport.Scope.LEARNER,
            scope_label="Alice",
            learners=[people.learner],
        )
    client = people.client_for(people.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portfolio:exports"))
    assert response.content.count(b"/portfolio/exports/") == 3


def test_verify_page(people, portfolio) -> None:
    export = services.export_request(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.LEARNER,
        scope_label="Alice",
        learners=[people.learner],
    )
    with export.result.open("rb") as handle:
        data = handle.read()
    client = people.client_for(people.iqa)
    response = client.post(
        reverse("portfolio:verify"),
        {"pdf": SimpleUploadedFile("p.pdf", data, content_type="application/pdf")},
    )
    assert b"Verified: this PDF is exactly as exported" in response.content
    response = client.post(
        reverse("portfolio:verify"),
        {"pdf": SimpleUploadedFile("p.pdf", data + b"x", content_type="application/pdf")},
    )
    assert b"altered after export" in response.content


def test_page_and_pdf_show_one_code_and_one_time(people, portfolio) -> None:
    """The export page and the PDF name the same verification code and the same export time
    (the time it was asked for, even when a worker renders it later)."""
    import datetime
    import io
    import re

    from pypdf import PdfReader

    from portal.portfolio.tasks import render_learner

    export = PortfolioExport.objects.create(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.LEARNER,
        scope_label="Portfolio of Alice Learner",
        progress_total=1,
    )
    export.learners.set([people.learner])
    asked = datetime.datetime(2026, 11, 20, 9, 15, 40, tzinfo=datetime.UTC)
    PortfolioExport.objects.filter(pk=export.pk).update(created_at=asked)
    render_learner.call(export.pk, people.learner.pk)
    export.refresh_from_db()
    page = people.client_for(people.admin).get(reverse("portfolio:export_detail", args=[export.pk]))
    assert f"on 20/11/2026 09:15. Verification code {export.verification_code}." in (
        page.content.decode()
    )
    assert b"Export reference" not in page.content
    document = export.documents.get()
    assert document.verification_code == export.verification_code
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert f"Verification code {export.verification_code}" in text
    assert "Date of export 20 November 2026, 09:15" in text
    assert document.manifest["exported_at"] == asked.isoformat()
