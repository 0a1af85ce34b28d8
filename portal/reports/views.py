"""Centre reports, on screen and as CSV: learners by state and target date, and assessors'
caseloads with their decisions in a date window; and the centre's whole hash-chained record.
Read by the centre's IQAs and admins and by an EQA it has granted
(``portal.staff.access.get_centre_for(..., reports=True)``, the rule the staff reports use);
an assessor or learner gets a 403, another centre a 404. Sampling coverage and open actions
have their pages in quality assurance; qualifications due to expire in staff competence: the
index links them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from assessments.access import enrolments_visible_to
from assessments.record import describe_entry
from portal.csv_export import csv_response
from portal.reports import selectors
from portal.reports.forms import LearnersFilter, RecordFilter, WindowForm
from portal.staff.access import get_centre_for
from review.status import EnrolmentState, overdue_days

PAGE_SIZE = 50


def _crumbs(centre_pk: int, *trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Reports", reverse("reports:index", args=[centre_pk])), *trail]


@login_required
@require_safe
def index(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = get_centre_for(request.user, centre, reports=True)
    counts = selectors.state_counts(the_centre.pk)
    return render(
        request,
        "reports/index.html",
        {
            "centre": the_centre,
            "states": [(state, counts[state.value]) for state in EnrolmentState],
            "total": sum(counts.values()),
            "breadcrumbs": [("Reports", None)],
        },
    )


def _learners(request: HttpRequest, centre_pk: int) -> tuple[LearnersFilter, object]:
    form = LearnersFilter(request.GET or None)
    today = timezone.localdate()
    state, overdue = "", False
    if form.is_valid():
        state, overdue = form.cleaned_data["state"], form.cleaned_data["overdue"]
    return form, selectors.learners(centre_pk, state=state, overdue_on=today if overdue else None)


@login_required
@require_safe
def learners(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = get_centre_for(request.user, centre, reports=True)
    form, enrolments = _learners(request, the_centre.pk)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for enrolment in page:
        enrolment.state = EnrolmentState(enrolment.state_code)
        enrolment.days_overdue = overdue_days(enrolment, today)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "reports/learners.html",
        {
            "centre": the_centre,
            "form": form,
            "page": page,
            "query_string": urlencode(query),
            "breadcrumbs": _crumbs(the_centre.pk, ("Learners by state and target date", None)),
        },
        status=200 if not request.GET or form.is_valid() else 400,
    )


@login_required
@require_safe
def learners_csv(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = get_centre_for(request.user, centre, reports=True)
    _form, enrolments = _learners(request, the_centre.pk)
    today = timezone.localdate()

    def rows() -> Iterator[list[object]]:
        for enrolment in enrolments.iterator(chunk_size=500):
            yield [
                enrolment.learner.display_name,
                enrolment.standard.display_name,
                enrolment.assessor.display_name if enrolment.assessor else "",
                enrolment.start_date.isoformat(),
                enrolment.target_end_date.isoformat(),
                EnrolmentState(enrolment.state_code).label,
                overdue_days(enrolment, today),
            ]

    return csv_response(
        f"learners-{the_centre.pk}-{today.isoformat()}.csv",
        ["Learner", "Standard", "Assessor", "Start", "Target", "State", "Days past target"],
        rows(),
    )


def _window(request: HttpRequest) -> tuple[WindowForm, datetime.date, datetime.date]:
    today = timezone.localdate()
    default_start = today - datetime.timedelta(days=90)
    form = WindowForm(request.GET or None, initial={"start": default_start, "end": today})
    start, end = default_start, today
    if form.is_valid():
        start = form.cleaned_data["start"] or default_start
        end = form.cleaned_data["end"] or today
    return form, start, end


@login_required
@require_safe
def caseloads(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = get_centre_for(request.user, centre, reports=True)
    form, start, end = _window(request)
    today = timezone.localdate()
    page = Paginator(selectors.assessors(the_centre.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "reports/caseloads.html",
        {
            "centre": the_centre,
            "form": form,
            "start": start,
            "end": end,
            "page": page,
            "rows": selectors.assessor_rows(list(page), the_centre.pk, start, end, today),
            "decisions": selectors.DECISIONS,
            "query_string": urlencode(query),
            "breadcrumbs": _crumbs(the_centre.pk, ("Assessor caseloads and decisions", None)),
        },
        status=200 if not request.GET or form.is_valid() else 400,
    )


@login_required
@require_safe
def caseloads_csv(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = get_centre_for(request.user, centre, reports=True)
    _form, start, end = _window(request)
    people = list(selectors.assessors(the_centre.pk))
    rows = selectors.assessor_rows(people, the_centre.pk, start, end, timezone.localdate())
    window = f"{start.isoformat()} to {end.isoformat()}"
    header = ["Assessor", "Active caseload", "Past target", "Completed"]
    header += [f"{label} {window}" for label in selectors.DECISIONS.values()]
    return csv_response(
        f"caseloads-{the_centre.pk}-{start.isoformat()}-{end.isoformat()}.csv",
        header,
        (
            [
                row["person"].display_name,
                row["person"].caseload,
                row["past_target"],
                row["person"].completed,
                *row["decisions"].values(),
            ]
            for row in rows
        ),
    )


@login_required
@require_safe
def record(request: HttpRequest, centre: int) -> HttpResponse:
    """The centre's whole record, newest first, filtered by kind and date, with the chain's
    check from its checkpoint at the top. Read-only: IQAs, admins, the granted EQA."""
    the_centre = get_centre_for(request.user, centre, reports=True)
    kinds = [(key, label) for key, (label, _actions) in selectors.RECORD_KINDS.items()]
    form = RecordFilter(request.GET or None, kinds=kinds)
    filters: dict[str, object] = {}
    if form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("kind", "start", "end")}
    entries = selectors.record_entries(the_centre.pk, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    enrolment_ids = {e.enrolment_id for e in page if e.enrolment_id}
    openable = (
        set(
            enrolments_visible_to(request.user)
            .filter(pk__in=enrolment_ids)
            .values_list("pk", flat=True)
        )
        if enrolment_ids
        else set()
    )
    for entry in page:
        entry.words = describe_entry(entry)
        entry.openable = entry.enrolment_id in openable
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "reports/record.html",
        {
            "centre": the_centre,
            "form": form,
            "filtered": any(filters.values()),
            "page": page,
            "chain": selectors.chain_status(the_centre.pk),
            "query_string": urlencode(query),
            "breadcrumbs": _crumbs(the_centre.pk, ("Centre record", None)),
        },
        status=200 if not request.GET or form.is_valid() else 400,
    )
