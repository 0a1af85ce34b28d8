"""EQA visit pages: the EQA plans a visit to a granted centre, takes and adjusts the suggested
sample, opens each sampled learner's work, writes and issues the report and decides on the
centre's responses; the centre's staff read the issued report and its admins respond.

Every view calls one helper of ``portal.visits.access`` first: another centre's or another
EQA's visit (or an expired grant) is a 404, a reader asking to write is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.errors import error_text
from assessments.models import Enrolment
from portal.centres.access import centres_for_eqa
from portal.form_posts import save_posted_form
from portal.visits import access, sampling, selectors, services
from portal.visits.forms import (
    ActionForm,
    DecideForm,
    ReportForm,
    RespondForm,
    ReviseForm,
    SampleAddForm,
    SampleSearchForm,
    VisitForm,
)
from portal.visits.models import Visit, VisitAction, VisitReport
from standards.models import Standard

PAGE_SIZE = 25


def _crumbs(request: HttpRequest, *rest: tuple[str, str | None]) -> list:
    first = (
        [("External quality assurance", reverse("eqa_dashboard"))] if request.user.is_eqa else []
    )
    return [*first, ("EQA visits", reverse("visits:list")), *rest]


def _visit_crumbs(request: HttpRequest, visit: Visit, *rest: tuple[str, str | None]) -> list:
    return _crumbs(request, (_visit_title(visit), reverse("visits:detail", args=[visit.pk])), *rest)


def _visit_title(visit: Visit) -> str:
    return f"{visit.centre.name}, {visit.visit_on:%d %b %Y}"


def _centre_standards(centre_id: int) -> QuerySet[Standard]:
    return Standard.objects.filter(
        pk__in=Enrolment.objects.filter(centre_id=centre_id).values("standard_id")
    )


@login_required
@require_safe
def visit_list(request: HttpRequest) -> HttpResponse:
    access.require_visit_reader(request.user)
    visits = selectors.visit_list(request.user)
    return render(
        request,
        "visits/visit_list.html",
        {
            "page": Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page")),
            "centres": centres_for_eqa(request.user) if request.user.is_eqa else [],
            "breadcrumbs": [*_crumbs(request)[:-1], ("EQA visits", None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    centre = access.get_centre_for_planning(request.user, pk)
    form = VisitForm(request.POST or None, standards=_centre_standards(centre.pk))
    if visit := save_posted_form(
        request,
        form,
        lambda data: services.visit_plan(eqa=request.user, centre=centre, **data),
    ):
        messages.success(request, "Visit planned. Take the suggested sample or build your own.")
        return redirect("visits:sample", visit.pk)
    return render(
        request,
        "visits/visit_form.html",
        {
            "centre": centre,
            "form": form,
            "breadcrumbs": _crumbs(request, (f"Plan a visit to {centre.name}", None)),
        },
    )


@login_required
@require_safe
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk)
    is_owner = visit.eqa_id == request.user.pk
    issued = services.latest_issued(visit)
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "is_owner": is_owner,
            "sample": selectors.sample_rows(visit),
            "sample_refusal": services.sample_change_refusal(visit),
            "draft": services.draft_of(visit) if is_owner else None,
            **_report_context(request, visit, issued),
            "breadcrumbs": _crumbs(request, (_visit_title(visit), None)),
        },
    )


def _report_context(request: HttpRequest, visit: Visit, report: VisitReport | None) -> dict:
    user = request.user
    is_owner = visit.eqa_id == user.pk
    is_admin = bool(user.is_centre_admin and user.centre_id == visit.centre_id)
    actions = selectors.report_actions(report)
    for action in actions:
        action.can_respond = is_admin and not services.respond_refusal(action)
        action.can_decide = is_owner and not services.decide_refusal(action)
    return {
        "report": report,
        "actions": actions,
        "versions": visit.reports.filter(issued_at__isnull=False).order_by("version"),
        "respond_form": RespondForm(),
        "decide_form": DecideForm(),
        "revise_form": ReviseForm(),
        "is_centre_admin": is_admin,
    }


@login_required
@require_safe
def report_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk)
    report = visit.reports.filter(version=version, issued_at__isnull=False).first()
    if report is None:
        raise Http404("No such issued version.")
    return render(
        request,
        "visits/report_version.html",
        {
            "visit": visit,
            **_report_context(request, visit, report),
            "breadcrumbs": _visit_crumbs(request, visit, (f"Report version {version}", None)),
        },
    )


@login_required
@require_safe
def visit_sample(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    search = SampleSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    refusal = services.sample_change_refusal(visit)
    return render(
        request,
        "visits/visit_sample.html",
        {
            "visit": visit,
            "suggestion": sampling.suggest(visit),
            "sample": selectors.sample_rows(visit),
            "sample_refusal": refusal,
            "can_remove": not refusal,
            "search": search,
            "query": query,
            "results": selectors.enrolment_search(visit, query) if query else [],
            "breadcrumbs": _visit_crumbs(request, visit, ("Sample", None)),
        },
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, error_text(error))


@login_required
@require_POST
def sample_take_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    try:
        added = services.visit_sample_take_suggestion(visit=visit, eqa=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{added} learner unit{'s' if added != 1 else ''} added.")
    return redirect("visits:sample", visit.pk)


@login_required
@require_POST
def sample_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    form = SampleAddForm(request.POST)
    enrolment = (
        Enrolment.objects.filter(centre_id=visit.centre_id, pk=form.cleaned_data["enrolment"])
        .select_related("learner", "standard")
        .first()
        if form.is_valid()
        else None
    )
    if enrolment is None:
        messages.error(request, "Choose one of the centre's learners from the search results.")
        return redirect("visits:sample", visit.pk)
    try:
        services.visit_sample_add(visit=visit, eqa=request.user, enrolment=enrolment)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"{enrolment.learner.display_name} ({enrolment.standard.display_code}) added.",
        )
    return redirect("visits:sample", visit.pk)


@login_required
@require_POST
def sample_remove(request: HttpRequest, pk: int, sampled_pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    sampled = visit.sample.filter(pk=sampled_pk).select_related("visit").first()
    if sampled is None:
        raise Http404("No such learner in the sample.")
    try:
        services.visit_sample_remove(sampled=sampled, eqa=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Removed from the sample.")
    return redirect("visits:sample", visit.pk)


def _report_page(
    request: HttpRequest,
    visit: Visit,
    form: ReportForm | None = None,
    action_form: ActionForm | None = None,
) -> HttpResponse:
    draft = services.draft_of(visit)
    issued = services.latest_issued(visit)
    if form is None:
        initial = draft or issued
        form = ReportForm(
            initial={
                "findings": initial.findings,
                "strengths": initial.strengths,
                "outcome": initial.outcome,
            }
            if initial
            else None
        )
    return render(
        request,
        "visits/report_edit.html",
        {
            "visit": visit,
            "draft": draft,
            "issued": issued,
            "form": form,
            "action_form": action_form or ActionForm(),
            "draft_actions": list(draft.actions.all()) if draft else [],
            "earlier_actions": selectors.report_actions(issued),
            "issue_refusal": services.issue_refusal(draft),
            "breadcrumbs": _visit_crumbs(request, visit, ("Report", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    if request.method == "GET":
        return _report_page(request, visit)
    form = ReportForm(request.POST)
    if save_posted_form(
        request,
        form,
        lambda data: services.visit_report_save(visit=visit, eqa=request.user, **data),
    ):
        messages.success(request, "Draft saved. It stays private to you until you issue it.")
        return redirect("visits:report_edit", visit.pk)
    return _report_page(request, visit, form=form)


@login_required
@require_POST
def report_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    form = ActionForm(request.POST)
    if save_posted_form(
        request,
        form,
        lambda data: services.visit_action_add(visit=visit, eqa=request.user, **data),
    ):
        messages.success(request, "Action added to the draft.")
        return redirect("visits:report_edit", visit.pk)
    return _report_page(request, visit, action_form=form)


@login_required
@require_POST
def report_action_remove(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    action = visit.actions.filter(pk=action_pk).select_related("raised_in", "visit").first()
    if action is None:
        raise Http404("No such action.")
    try:
        services.visit_action_remove(action=action, eqa=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Action removed from the draft.")
    return redirect("visits:report_edit", visit.pk)


@login_required
@require_POST
def report_issue(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    try:
        report = services.visit_report_issue(visit=visit, eqa=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("visits:report_edit", visit.pk)
    messages.success(
        request, f"Report version {report.version} issued: the centre's staff can read it now."
    )
    return redirect("visits:detail", visit.pk)


@login_required
@require_POST
def report_revise(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_visit_for(request.user, pk, write=True)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why a new version of the report is needed.")
        return redirect("visits:detail", visit.pk)
    try:
        report = services.visit_report_revise(
            visit=visit, eqa=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _refused(request, error)
        return redirect("visits:detail", visit.pk)
    messages.success(request, f"Version {report.version} drafted; the issued one stays as it is.")
    return redirect("visits:report_edit", visit.pk)


def _back_to(action: VisitAction) -> HttpResponse:
    return redirect(reverse("visits:detail", args=[action.visit_id]) + f"#action-{action.pk}")


@login_required
@require_POST
def action_respond(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_action_for(request.user, pk, responder=True)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the centre's response (at most 4,000 characters).")
        return _back_to(action)
    try:
        services.visit_action_respond(action=action, admin=request.user, **form.cleaned_data)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Response sent to the external quality assurer.")
    return _back_to(action)


@login_required
@require_POST
def action_decide(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_action_for(request.user, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to accept the response or ask again.")
        return _back_to(action)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.visit_action_decide(
            action=action, eqa=request.user, accept=accept, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, "Action closed." if accept else "The centre is asked again.")
    return _back_to(action)
