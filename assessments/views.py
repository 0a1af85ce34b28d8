"""Countersigning, reopening and IQA sampling: pages that need no evidence data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assessments import services
from assessments.access import enrolments_visible_to, get_enrolment_for
from assessments.models import Enrolment, IqaSample, RecordEntry

PAGE_SIZE = 25


class CountersignForm(forms.Form):
    confirm = forms.BooleanField(label="I make this declaration")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Reason for reopening",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded permanently, and shown to the assessor and learner.",
    )


class SampleForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision", choices=IqaSample.Outcome.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label="Feedback to the assessor",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when referring back.",
    )


class DecisionFilterForm(forms.Form):
    learner = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="All learners"
    )
    standard = forms.ChoiceField(required=False, label="Standard")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, enrolments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = (
            get_user_model()
            .objects.filter(enrolments__in=enrolments)
            .distinct()
            .order_by("full_name")
        )
        standards = sorted(
            {(e.standard_id, str(e.standard)) for e in enrolments.select_related("standard")},
            key=lambda pair: pair[1],
        )
        self.fields["standard"].choices = [("", "All standards")] + [
            (str(pk), label) for pk, label in standards
        ]


def _enrolment_crumbs(enrolment: Enrolment, last: str) -> list[tuple[str, str | None]]:
    return [
        (
            f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
            reverse("review:grid", args=[enrolment.pk]),
        ),
        (last, None),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def countersign(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for(request.user, pk)
    if enrolment.learner_id != request.user.pk:
        raise PermissionDenied("Only the learner countersigns their unit.")
    sign_off = services.open_sign_off(enrolment)
    form = CountersignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_countersign(enrolment=enrolment, learner=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "You have countersigned the unit. It is now complete.")
            return redirect("review:grid", pk=enrolment.pk)
    return render(
        request,
        "assessments/countersign.html",
        {
            "enrolment": enrolment,
            "sign_off": sign_off,
            "declaration": services.countersign_declaration(enrolment),
            "form": form,
            "breadcrumbs": _enrolment_crumbs(enrolment, "Countersign"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for(request.user, pk, manage=True)
    sign_off = services.open_sign_off(enrolment)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_reopen(
                enrolment=enrolment, admin=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The unit is reopened; the assessor can change it again.")
            return redirect("review:grid", pk=enrolment.pk)
    return render(
        request,
        "assessments/reopen.html",
        {
            "enrolment": enrolment,
            "sign_off": sign_off,
            "form": form,
            "breadcrumbs": _enrolment_crumbs(enrolment, "Reopen"),
        },
    )


def _require_iqa(user: Any) -> None:
    if not (user.is_authenticated and user.is_iqa):
        raise PermissionDenied("This page is for internal quality assurers.")


def _iqa_enrolments(user: Any) -> Any:
    return enrolments_visible_to(user).filter(iqa=user)


def _sampleable(user: Any) -> Any:
    return RecordEntry.objects.filter(
        enrolment__in=_iqa_enrolments(user), action__in=services.SAMPLEABLE_ACTIONS
    )


@login_required
@require_safe
def iqa_assessors(request: HttpRequest) -> HttpResponse:
    """The assessors whose decisions this IQA samples, with the proportion sampled."""
    _require_iqa(request.user)
    rows = (
        _sampleable(request.user)
        .values("actor_id", "actor_name")
        .annotate(decisions=Count("pk"), sampled=Count("pk", filter=Q(iqa_sample__isnull=False)))
        .order_by("actor_name")
    )
    return render(
        request,
        "assessments/iqa_assessors.html",
        {
            "rows": rows,
            "breadcrumbs": [("My sample", reverse("iqa_dashboard")), ("Assessors", None)],
        },
    )


@login_required
@require_safe
def iqa_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessor's decisions and sign-offs, filterable, with the proportion sampled."""
    _require_iqa(request.user)
    enrolments = _iqa_enrolments(request.user).filter(
        Q(assessor_id=pk) | Q(record_entries__actor_id=pk)
    )
    entries = _sampleable(request.user).filter(actor_id=pk)
    if not entries.exists() and not enrolments.exists():
        raise Http404("No decisions of that assessor for you to sample.")
    assessor = get_user_model().objects.get(pk=pk)
    form = DecisionFilterForm(request.GET or None, enrolments=enrolments.distinct())
    if form.is_valid():
        data = form.cleaned_data
        if data["learner"]:
            entries = entries.filter(enrolment__learner=data["learner"])
        if data["standard"]:
            entries = entries.filter(enrolment__standard_id=data["standard"])
        if data["date_from"]:
            entries = entries.filter(recorded_at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(recorded_at__date__lte=data["date_to"])
    totals = entries.aggregate(
        decisions=Count("pk"), sampled=Count("pk", filter=Q(iqa_sample__isnull=False))
    )
    entries = (
        entries.select_related("enrolment__learner", "enrolment__standard")
        .annotate(is_sampled=Exists(IqaSample.objects.filter(entry=OuterRef("pk"))))
        .order_by("-recorded_at", "-pk")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    percent = round(100 * totals["sampled"] / totals["decisions"]) if totals["decisions"] else 0
    return render(
        request,
        "assessments/iqa_decisions.html",
        {
            "assessor": assessor,
            "form": form,
            "page": page,
            "totals": totals,
            "percent": percent,
            "query_string": params.urlencode(),
            "breadcrumbs": [
                ("My sample", reverse("iqa_dashboard")),
                ("Assessors", reverse("assessments:iqa_assessors")),
                (assessor.display_name, None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def iqa_sample(request: HttpRequest, pk: int) -> HttpResponse:
    entry = (
        RecordEntry.objects.filter(enrolment__in=enrolments_visible_to(request.user), pk=pk)
        .select_related("enrolment__learner", "enrolment__standard", "enrolment__iqa")
        .first()
    )
    if entry is None:
        raise Http404("No such decision.")
    if entry.enrolment.iqa_id != request.user.pk:
        raise PermissionDenied("Only the enrolment's IQA samples its decisions.")
    existing = IqaSample.objects.filter(entry=entry).first()
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.iqa_sample_record(
                entry=entry,
                iqa=request.user,
                outcome=form.cleaned_data["outcome"],
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your sampling decision is recorded.")
            return redirect("assessments:iqa_decisions", pk=entry.actor_id)
    return render(
        request,
        "assessments/iqa_sample.html",
        {
            "entry": entry,
            "existing": existing,
            "form": form,
            "breadcrumbs": [
                ("My sample", reverse("iqa_dashboard")),
                (entry.actor_name, reverse("assessments:iqa_decisions", args=[entry.actor_id])),
                (f"Decision #{entry.sequence}", None),
            ],
        },
    )


@login_required
@require_safe
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Every recorded decision on one enrolment, newest first, with its hash."""
    enrolment = get_enrolment_for(request.user, pk)
    entries = RecordEntry.objects.filter(enrolment=enrolment).order_by("-sequence")
    return render(
        request,
        "assessments/record.html",
        {
            "enrolment": enrolment,
            "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
            "breadcrumbs": _enrolment_crumbs(enrolment, "Assessment record"),
        },
    )
