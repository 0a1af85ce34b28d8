"""Home and the role dashboards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from assessments.access import enrolments_visible_to
from assessments.models import Enrolment, IqaSample, ReopenRequest
from evidence.selectors import awaiting_review_for
from portal import access
from portal.centres.access import (
    centres_for_eqa,
    get_centre_for_eqa,
    people_of,
    require_centre_admin,
    require_eqa,
)
from portal.centres.models import EqaGrant
from portal.staff.selectors import staff_dashboard_section
from quality.selectors import open_actions_for
from review.selectors import (
    CASELOAD_SORTS,
    iqa_actions_for,
    referred_for,
    with_caseload,
    with_progress,
)
from review.status import ready_for_sign_off, with_state

PAGE_SIZE = 25
AWAITING_SHOWN = 50
IQA_ACTIONS_SHOWN = 20
REOPEN_REQUESTS_SHOWN = 50
SAMPLES_SHOWN = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the dashboard of their first role."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    for flag, name in [
        (user.is_learner, "learner_dashboard"),
        (user.is_assessor, "assessor_dashboard"),
        (user.is_iqa, "iqa_dashboard"),
        (user.is_centre_admin, "centre_dashboard"),
        (user.is_eqa, "eqa_dashboard"),
    ]:
        if flag:
            return redirect(name)
    return render(request, "portal/no_role.html", status=200)


def _enrolment_page(request: HttpRequest, queryset: QuerySet[Enrolment]) -> Page:
    if "signed_off" not in queryset.query.annotations:
        queryset = with_state(queryset)  # every enrolment list shows the state in words
    queryset = queryset.select_related("learner", "assessor", "iqa", "standard", "centre")
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_safe
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    access.require_learner(request.user)
    enrolments = enrolments_visible_to(request.user).filter(learner=request.user)
    page = _enrolment_page(request, with_progress(enrolments))
    return render(
        request,
        "portal/learner_dashboard.html",
        {
            "page": page,
            "breadcrumbs": [("My progress", None)],
        },
    )


@login_required
@require_safe
def assessor_dashboard(request: HttpRequest) -> HttpResponse:
    access.require_assessor(request.user)
    enrolments = enrolments_visible_to(request.user).filter(
        assessor=request.user, status=Enrolment.Status.ACTIVE
    )
    sort = request.GET.get("sort", "")
    sort = sort if sort in CASELOAD_SORTS else "learner"
    page = _enrolment_page(request, with_caseload(enrolments, sort))
    return render(
        request,
        "portal/assessor_dashboard.html",
        {
            "page": page,
            "sort": sort,
            "query_string": f"sort={sort}",
            "sort_label": CASELOAD_SORTS[sort][0],
            "sorts": [(key, label) for key, (label, _order) in CASELOAD_SORTS.items()],
            "ready": [enrolment for enrolment in page if ready_for_sign_off(enrolment)],
            "awaiting": awaiting_review_for(request.user)[:AWAITING_SHOWN],
            "awaiting_count": awaiting_review_for(request.user).count(),
            "referred": referred_for(request.user)[:AWAITING_SHOWN],
            "iqa_actions": iqa_actions_for(request.user)[:IQA_ACTIONS_SHOWN],
            "qa_actions": open_actions_for(request.user),
            "staff_section": staff_dashboard_section(request.user, timezone.localdate()),
            "breadcrumbs": [("My caseload", None)],
        },
    )


@login_required
@require_safe
def iqa_dashboard(request: HttpRequest) -> HttpResponse:
    access.require_iqa(request.user)
    enrolments = enrolments_visible_to(request.user).filter(iqa=request.user)
    return render(
        request,
        "portal/iqa_dashboard.html",
        {
            "page": _enrolment_page(request, enrolments),
            "qa_actions": open_actions_for(request.user),
            "staff_section": staff_dashboard_section(request.user, timezone.localdate()),
            "breadcrumbs": [("My sample", None)],
        },
    )


@login_required
@require_safe
def centre_dashboard(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    people = people_of(centre).aggregate(
        learners=Count("pk", filter=Q(is_learner=True, is_active=True)),
        assessors=Count("pk", filter=Q(is_assessor=True, is_active=True)),
        iqas=Count("pk", filter=Q(is_iqa=True, is_active=True)),
        admins=Count("pk", filter=Q(is_centre_admin=True, is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    enrolments = Enrolment.objects.filter(centre=centre).aggregate(
        active=Count("pk", filter=Q(status=Enrolment.Status.ACTIVE)),
        completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
        withdrawn=Count("pk", filter=Q(status=Enrolment.Status.WITHDRAWN)),
        unassigned=Count(
            "pk", filter=Q(status=Enrolment.Status.ACTIVE) & (Q(assessor=None) | Q(iqa=None))
        ),
    )
    requests = ReopenRequest.objects.filter(
        enrolment__centre=centre, resolved_at__isnull=True
    ).select_related("enrolment__learner", "enrolment__standard", "requested_by", "criterion")
    return render(
        request,
        "portal/centre_dashboard.html",
        {
            "centre": centre,
            "people": people,
            "enrolments": enrolments,
            "reopen_requests": requests[:REOPEN_REQUESTS_SHOWN],
            "reopen_request_count": requests.count(),
            "staff_section": staff_dashboard_section(request.user, timezone.localdate()),
            "breadcrumbs": [("My centre", None)],
        },
    )


@login_required
@require_safe
def eqa_dashboard(request: HttpRequest) -> HttpResponse:
    require_eqa(request.user)
    grant = EqaGrant.objects.filter(user=request.user, centre=OuterRef("pk"))
    centres = centres_for_eqa(request.user).annotate(
        enrolment_count=Count("enrolments", distinct=True),
        grant_expires_on=Subquery(grant.values("expires_on")[:1]),
    )
    return render(
        request,
        "portal/eqa_dashboard.html",
        {"centres": centres, "breadcrumbs": [("External quality assurance", None)]},
    )


def _samples_of(centre_pk: int) -> QuerySet[IqaSample]:
    return (
        IqaSample.objects.filter(enrolment__centre_id=centre_pk)
        .select_related(
            "entry", "enrolment__learner", "enrolment__standard", "assessor", "sampled_by"
        )
        .order_by("-sampled_at", "-pk")
    )


@login_required
@require_safe
def eqa_centre(request: HttpRequest, pk: int) -> HttpResponse:
    """A granted centre's enrolments, each with its grid and record, and its latest IQA samples."""
    centre = get_centre_for_eqa(request.user, pk)
    enrolments = Enrolment.objects.filter(centre=centre)
    samples = _samples_of(centre.pk)
    return render(
        request,
        "portal/eqa_centre.html",
        {
            "centre": centre,
            "page": _enrolment_page(request, enrolments),
            "samples": samples[:SAMPLES_SHOWN],
            "sample_count": samples.count(),
            "breadcrumbs": [
                ("External quality assurance", reverse("eqa_dashboard")),
                (centre.name, None),
            ],
        },
    )


@login_required
@require_safe
def eqa_samples(request: HttpRequest, pk: int) -> HttpResponse:
    """Every IQA sample of a granted centre, newest first."""
    centre = get_centre_for_eqa(request.user, pk)
    return render(
        request,
        "portal/eqa_samples.html",
        {
            "centre": centre,
            "page": Paginator(_samples_of(centre.pk), PAGE_SIZE).get_page(request.GET.get("page")),
            "breadcrumbs": [
                ("External quality assurance", reverse("eqa_dashboard")),
                (centre.name, reverse("eqa_centre", args=[centre.pk])),
                ("IQA samples", None),
            ],
        },
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links."""
    return redirect(static("portal/favicon.ico"), permanent=True)
