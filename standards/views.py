from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from standards.access import get_standard_for, standards_for
from standards.models import Criterion, Kind

PAGE_SIZE = 25


@login_required
@require_GET
def standard_list(request: HttpRequest) -> HttpResponse:
    standards = standards_for(request.user).annotate(
        performance_count=Count("criteria", filter=Q(criteria__kind=Kind.PERFORMANCE)),
        knowledge_count=Count("criteria", filter=Q(criteria__kind=Kind.KNOWLEDGE)),
    ).order_by("code", "title", "version")
    page = Paginator(standards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "standards/standard_list.html",
        {"page": page, "breadcrumbs": [("Standards", None)]},
    )


@login_required
@require_GET
def standard_detail(request: HttpRequest, slug: str) -> HttpResponse:
    standard = get_standard_for(request.user, slug)
    groups = standard.groups.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
    ).order_by("kind", "order")
    return render(
        request,
        "standards/standard_detail.html",
        {
            "standard": standard,
            "performance_groups": [g for g in groups if g.kind == Kind.PERFORMANCE],
            "knowledge_groups": [g for g in groups if g.kind == Kind.KNOWLEDGE],
            "breadcrumbs": [
                ("Standards", reverse("standards:list")),
                (standard.display_code, None),
            ],
        },
    )


