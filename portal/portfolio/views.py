"""Portfolio exports: ask for one, watch it run, download it; verify an exported PDF."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidence.storage import download_response
from portal.portfolio import services
from portal.portfolio.access import (
    get_export_for,
    get_learner_for_export,
    learners_exportable_by,
    may_read_portfolio_of,
    require_cohort_exporter,
)
from portal.portfolio.forms import CohortForm, LearnerExportForm, VerifyForm
from portal.portfolio.models import PortfolioDocument, PortfolioExport
from portal.portfolio.selectors import exports_visible_to
from portal.portfolio.verify import verify_code, verify_pdf
from portal.transfer import signing

PAGE_SIZE = 25


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Portfolio exports", reverse("portfolio:exports")), *trail]


@login_required
@require_safe
def export_list(request: HttpRequest) -> HttpResponse:
    exports = exports_visible_to(request.user).select_related("requested_by", "centre")
    page = Paginator(exports, PAGE_SIZE).get_page(request.GET.get("page"))
    learners = learners_exportable_by(request.user).order_by("full_name", "username")[:200]
    return render(
        request,
        "portfolio/export_list.html",
        {
            "page": page,
            "learners": learners,
            "packages": signing.is_configured(),
            "breadcrumbs": [("Portfolio exports", None)],
        },
    )


@login_required
@require_POST
def export_learner(request: HttpRequest, pk: int) -> HttpResponse:
    centre, learner = get_learner_for_export(request.user, pk)
    form = LearnerExportForm(request.POST)
    if not form.is_valid():  # only a hand-made request: the pages post pdf or package
        return HttpResponseBadRequest(
            " ".join(form.errors["kind"]), content_type="text/plain; charset=utf-8"
        )
    scope = form.cleaned_data["kind"]
    label = "Portable package of" if scope == PortfolioExport.Scope.PACKAGE else "Portfolio of"
    try:
        export = services.export_request(
            requested_by=request.user,
            centre=centre,
            scope=scope,
            scope_label=f"{label} {learner.display_name}",
            learners=[learner],
        )
    except ValidationError as error:  # the pages offer a package only when it can be made
        return HttpResponseBadRequest(
            " ".join(error.messages), content_type="text/plain; charset=utf-8"
        )
    return redirect("portfolio:export_detail", pk=export.pk)


@login_required
@require_http_methods(["GET", "POST"])
def export_cohort(request: HttpRequest) -> HttpResponse:
    centre = require_cohort_exporter(request.user)
    form = CohortForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = services.export_request(
                requested_by=request.user,
                centre=centre,
                scope=data["scope"],
                scope_label=data["label"],
                learners=data["resolved"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("portfolio:export_detail", pk=export.pk)
    return render(
        request,
        "portfolio/export_cohort.html",
        {"form": form, "breadcrumbs": _crumbs(("Export a cohort", None))},
    )


@login_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    return render(
        request,
        "portfolio/export_detail.html",
        {
            "export": export,
            "key_id": _signing_key_id() if export.is_package else "",
            "key_url": request.build_absolute_uri(reverse("transfer:public_key")),
            "breadcrumbs": _crumbs((export.scope_label, None)),
        },
    )


def _signing_key_id() -> str:
    """The id of the key that signs this installation's packages ("" if none is set up)."""
    try:
        return signing.public_key_document()["key_id"]
    except ImproperlyConfigured:
        return ""


@login_required
@require_safe
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    return render(request, "portfolio/_export_status.html", {"export": export})


@login_required
@require_POST
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk, write=True)
    try:
        services.export_retry(export=export)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The export was queued again.")
    return redirect("portfolio:export_detail", pk=export.pk)


@login_required
@require_safe
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for(request.user, pk)
    if export.status != PortfolioExport.Status.DONE or not export.result:
        raise Http404("This export has no file to download.")
    return download_response(
        export.result.name,
        filename=export.result_name,
        content_type="application/zip" if export.is_zip else "application/pdf",
        storage=export.result.storage,
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["pdf"]

        # The answer names files and the learner only to a viewer who may see that
        # learner today; anyone else learns only what the PDF already holds.
        def may_see(document: PortfolioDocument) -> bool:
            return may_read_portfolio_of(request.user, document.learner, document.export.centre)

        if form.cleaned_data["check"] == "code":
            result = verify_code(form.cleaned_data["code"], may_see=may_see)
        elif hasattr(upload, "temporary_file_path"):  # large: streamed to disk by Django
            result = verify_pdf(Path(upload.temporary_file_path()), may_see=may_see)
        else:
            result = verify_pdf(upload.read(), may_see=may_see)
    return render(
        request,
        "portfolio/verify.html",
        {"form": form, "result": result, "breadcrumbs": [("Verify a portfolio", None)]},
        status=400 if form.errors else 200,
    )
