"""Standards pages: browse, search, equivalents, supplied corrections and imports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from standards import case, services
from standards.access import (
    correction_filter,
    corrections_for,
    get_correctable_criterion,
    get_criterion_for,
    get_standard_for,
    require_standards_editor,
    standards_for,
)
from standards.forms import CorrectionForm, ImportForm, SearchForm
from standards.importer import Problem
from standards.models import Criterion, Kind, TextStatus
from standards.selectors import criteria_matching, equivalents_of, latest_corrections

PAGE_SIZE = 25
SEARCH_PAGE_SIZE = 20


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Standards", reverse("standards:list")), *trail]


@login_required
@require_safe
def standard_list(request: HttpRequest) -> HttpResponse:
    standards = (
        standards_for(request.user)
        .annotate(
            performance_count=Count("criteria", filter=Q(criteria__kind=Kind.PERFORMANCE)),
            knowledge_count=Count("criteria", filter=Q(criteria__kind=Kind.KNOWLEDGE)),
            lost_count=Count("criteria", filter=~Q(criteria__text_status=TextStatus.COMPLETE)),
        )
        .order_by("code", "title", "version")
    )
    page = Paginator(standards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "standards/standard_list.html",
        {
            "page": page,
            "search_form": SearchForm(standards=standards_for(request.user)),
            "can_edit": request.user.is_centre_admin,
            "breadcrumbs": [("Standards", None)],
        },
    )


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    readable = standards_for(request.user)
    form = SearchForm(request.GET, standards=readable)
    query, within, page = "", None, None
    if form.is_valid():
        query = form.cleaned_data["q"]
        within = form.cleaned_data["standard"]
        if query:
            scope = readable.filter(pk=within.pk) if within else readable
            found = criteria_matching(query, standards=scope)
            page = Paginator(found, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "standards/search.html",
        {
            "form": form,
            "query": query,
            "within": within,
            "page": page,
            "query_string": params.urlencode(),
            "breadcrumbs": _crumbs(("Search", None)),
        },
    )


@login_required
@require_safe
def standard_detail(request: HttpRequest, slug: str) -> HttpResponse:
    standard = get_standard_for(request.user, slug)
    groups = list(
        standard.groups.prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
        ).order_by("kind", "order")
    )
    criteria = [c for g in groups for c in g.criteria.all()]
    equivalents = equivalents_of((c.pk for c in criteria), readable=standards_for(request.user))
    lost = [c.pk for c in criteria if c.text_status != TextStatus.COMPLETE]
    corrections = latest_corrections(lost, visible=corrections_for(request.user))
    for criterion in criteria:
        criterion.equivalents = equivalents[criterion.pk]
        criterion.latest_correction = corrections.get(criterion.pk)
    return render(
        request,
        "standards/standard_detail.html",
        {
            "standard": standard,
            "performance_groups": [g for g in groups if g.kind == Kind.PERFORMANCE],
            "knowledge_groups": [g for g in groups if g.kind == Kind.KNOWLEDGE],
            "lost_count": len(lost),
            "case_identifier": case.document_identifier(standard),
            "search_form": SearchForm(
                initial={"standard": standard}, standards=standards_for(request.user)
            ),
            "can_edit": request.user.is_centre_admin,
            "breadcrumbs": _crumbs((standard.code or standard.title, None)),
        },
    )


@login_required
@require_safe
def criterion_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    criterion = get_criterion_for(request.user, slug, pk)
    standard = criterion.standard
    return render(
        request,
        "standards/criterion_detail.html",
        {
            "standard": standard,
            "criterion": criterion,
            "equivalents": equivalents_of([criterion.pk], readable=standards_for(request.user))[
                criterion.pk
            ],
            "corrections": list(
                corrections_for(request.user)
                .filter(criterion=criterion)
                .order_by("-supplied_at", "-pk")
            ),
            "can_edit": request.user.is_centre_admin
            and criterion.text_status != TextStatus.COMPLETE,
            "breadcrumbs": _crumbs(
                (
                    standard.code or standard.title,
                    reverse("standards:detail", args=[standard.slug]),
                ),
                (criterion.reference, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def correction_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    criterion = get_correctable_criterion(request.user, slug, pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_create(
                criterion=criterion,
                text=form.cleaned_data["text"],
                source=form.cleaned_data["source"],
                supplied_by=request.user,
            )
        except (ValidationError, ValueError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request,
                f"Your text for {criterion.reference} was saved and is shown as supplied, "
                "beside the official text.",
            )
            return redirect("standards:criterion", slug=slug, pk=criterion.pk)
    standard = criterion.standard
    return render(
        request,
        "standards/correction_form.html",
        {
            "form": form,
            "standard": standard,
            "criterion": criterion,
            "breadcrumbs": _crumbs(
                (
                    standard.code or standard.title,
                    reverse("standards:detail", args=[standard.slug]),
                ),
                (
                    criterion.reference,
                    reverse("standards:criterion", args=[standard.slug, criterion.pk]),
                ),
                ("Supply text", None),
            ),
        },
    )


@login_required
@require_safe
def correction_list(request: HttpRequest) -> HttpResponse:
    readable = standards_for(request.user)
    lost = (
        Criterion.objects.filter(standard__in=readable)
        .exclude(text_status=TextStatus.COMPLETE)
        .select_related("standard")
        .annotate(
            correction_count=Count(
                "corrections", filter=correction_filter(request.user, "corrections__")
            )
        )
        .order_by("standard__code", "standard__title", "kind", "order")
    )
    history = (
        corrections_for(request.user)
        .select_related("criterion__standard")
        .order_by("-supplied_at", "-pk")
    )
    page = Paginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "standards/correction_list.html",
        {
            "lost": lost,
            "page": page,
            "can_edit": request.user.is_centre_admin,
            "breadcrumbs": _crumbs(("Supplied texts", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def standard_import(request: HttpRequest) -> HttpResponse:
    require_standards_editor(request.user)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[Problem] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.standards_import(
                    data=form.cleaned_data["file"],
                    replace=form.cleaned_data["replace"],
                    owner_centre_id=request.user.centre_id,
                )
            except services.ImportRefused as refused:
                problems = refused.problems
                count = len(problems)
                form.add_error(
                    "file",
                    f"The file was not imported: {count} problem{'s' if count != 1 else ''} "
                    "listed below. Nothing was changed.",
                )
            else:
                names = ", ".join(s.code or s.title for s in result.standards)
                messages.success(
                    request,
                    f"Imported {names}: {result.criteria} criteria"
                    f"{f', replacing {result.replaced} standard(s)' if result.replaced else ''}. "
                    f"Equivalence groups recomputed ({result.equivalence_groups} in all).",
                )
                if len(result.standards) == 1:
                    return redirect("standards:detail", slug=result.standards[0].slug)
                return redirect("standards:list")
        messages.error(request, "The file was not imported. See the problems listed below.")
    return render(
        request,
        "standards/import_form.html",
        {
            "form": form,
            "problems": problems,
            "breadcrumbs": _crumbs(("Import", None)),
        },
        status=400 if request.method == "POST" else 200,
    )
