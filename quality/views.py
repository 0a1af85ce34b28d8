"""The IQA's pages: assessors and plans, the decisions list, sampling a unit, samples and
their actions. Each view: access helper first, bind a form, call a service, redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.errors import error_text, form_error
from assessments.models import CriterionJudgement, Enrolment
from assessments.record import describe_entry
from assessments.services import open_sign_off
from evidence import previews
from evidence.models import EvidenceFile, EvidenceItem, Mapping
from quality import access, selectors, services
from quality.forms import (
    ACTION_ROWS,
    REFERRAL_ROWS,
    ActionForm,
    AnswerForm,
    DecisionFilterForm,
    PlanForm,
    ReferralForm,
    ReturnForm,
    SampleForm,
)
from quality.models import RiskReason, SamplingPlan, UnitSample
from standards.models import Criterion, Standard

PAGE_SIZE = 25
HOME = ("Quality assurance", "quality:home")


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("My sample", reverse("iqa_dashboard")), (HOME[0], reverse(HOME[1])), *tail]


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The IQA's assessors: plan in force, units sampled against its rate; open actions."""
    access.require_iqa(request.user)
    page = Paginator(selectors.assessors_of_iqa(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for row in page:
        row.percent = round(100 * row.sampled_units / row.unit_count) if row.unit_count else 0
        row.behind = row.plan_rate is not None and row.percent < row.plan_rate
    return render(
        request,
        "quality/home.html",
        {
            "page": page,
            "actions": selectors.open_actions_for(request.user),
            "breadcrumbs": [("My sample", reverse("iqa_dashboard")), (HOME[0], None)],
        },
    )


@login_required
@require_safe
def assessor(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessor: plans (every version), coverage per plan in force (each unit against the
    plan that governs it), the next samples proposed (to their IQA) and the samples made."""
    person = access.assessor_for_reading(request.user, pk)
    versions = selectors.plan_versions(person, access.plans_visible_to(request.user))
    current = selectors.current_plans(versions)
    coverage = selectors.coverage_by_plan(person, current)
    samples = selectors.samples_list(
        access.samples_visible_to(request.user).filter(assessor=person)
    )
    page = Paginator(samples, PAGE_SIZE).get_page(request.GET.get("page"))
    is_iqa = request.user.is_iqa and request.user.centre_id == person.centre_id
    return render(
        request,
        "quality/assessor.html",
        {
            "person": person,
            "versions": versions,
            "current": current,
            "coverage": coverage,
            "proposals": selectors.proposals_for(request.user, person, coverage) if is_iqa else [],
            "can_plan": is_iqa,
            "page": page,
            "breadcrumbs": _crumbs((person.display_name, None))
            if request.user.is_iqa
            else [(person.display_name, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the next version of a plan for the assessor (overall or for one standard)."""
    person = access.assessor_for_plan(request.user, pk)
    standards = Standard.objects.filter(
        pk__in=Enrolment.objects.filter(assessor=person).values("standard_id")
    ).order_by("code")
    initial: dict[str, Any] = {"risk": "medium", "interim_planned": 2, "summative_planned": 2}
    latest = SamplingPlan.objects.filter(assessor=person, standard__isnull=True).first()
    if latest is not None:
        initial.update(
            risk=latest.risk,
            risk_reasons=latest.risk_reasons,
            interim_planned=latest.interim_planned,
            summative_planned=latest.summative_planned,
            methods=latest.methods,
            evidence_types=latest.evidence_types,
            locations="\n".join(latest.locations),
            notes=latest.notes,
        )
    form = PlanForm(request.POST or None, initial=initial, standards=standards)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.sampling_plan_write(
                iqa=request.user,
                assessor=person,
                standard=data["standard"],
                risk=data["risk"],
                risk_reasons=data["risk_reasons"],
                interim_planned=data["interim_planned"],
                summative_planned=data["summative_planned"],
                methods=data["methods"],
                evidence_types=data["evidence_types"],
                locations=data["locations"].splitlines(),
                notes=data["notes"],
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Version {plan.version} of the plan is signed.")
            return redirect("quality:assessor", pk=person.pk)
    return render(
        request,
        "quality/plan_edit.html",
        {
            "person": person,
            "form": form,
            "breadcrumbs": _crumbs(
                (person.display_name, reverse("quality:assessor", args=[person.pk])),
                ("Sampling plan", None),
            ),
        },
    )


@login_required
@require_safe
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of a plan, as signed."""
    plan = access.plan_for(request.user, pk)
    labels = {
        "methods": dict(Mapping.Method.choices),
        "types": dict(EvidenceItem.Type.choices),
    }
    return render(
        request,
        "quality/plan.html",
        {
            "plan": plan,
            "methods": [labels["methods"].get(m, m) for m in plan.methods],
            "evidence_types": [labels["types"].get(t, t) for t in plan.evidence_types],
            "reasons": [dict(RiskReason.choices).get(r, r) for r in plan.risk_reasons],
            "breadcrumbs": [
                (plan.assessor.display_name, reverse("quality:assessor", args=[plan.assessor_id])),
                (f"Plan version {plan.version}", None),
            ],
        },
    )


@login_required
@require_safe
def decisions(request: HttpRequest) -> HttpResponse:
    """The assessors' decisions on the IQA's units, filterable; each row links to its unit."""
    access.require_iqa(request.user)
    form = DecisionFilterForm(
        request.GET or None,
        assessors=selectors.assessor_choices(request.user),
        standards=selectors.standards_of_iqa(request.user),
    )
    entries = selectors.decisions_for_iqa(request.user)
    if form.is_bound and form.is_valid():
        entries = selectors.filter_decisions(entries, form.cleaned_data)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.words = describe_entry(entry)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "quality/decisions.html",
        {
            "form": form,
            "page": page,
            "page_sampled": sum(1 for entry in page if entry.is_sampled),
            "query_string": params.urlencode(),
            "breadcrumbs": _crumbs(("Decisions", None)),
        },
    )


def _unit_contents(enrolment: Enrolment) -> dict[str, Any]:
    """The unit in one view: judgements, items with files (and previews) and mappings."""
    judgements = list(
        CriterionJudgement.objects.filter(enrolment=enrolment)
        .select_related("criterion", "decided_by")
        .order_by("criterion__kind", "criterion__order")
    )
    items = list(
        EvidenceItem.objects.filter(enrolment=enrolment)
        .exclude(status=EvidenceItem.Status.DRAFT)
        .prefetch_related(
            Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at", "pk")),
            Prefetch(
                "mappings",
                queryset=Mapping.objects.filter(confirmed=True)
                .select_related("criterion")
                .order_by("criterion__kind", "criterion__order"),
            ),
        )
        .order_by("sequence", "pk")
    )
    for item in items:
        for evidence_file in item.files.all():
            evidence_file.preview = previews.preview_for(evidence_file)
    return {"judgements": judgements, "items": items}


@login_required
@require_http_methods(["GET", "POST"])
def sample_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """Sample a learner's unit: summatively once signed off (every decision of the sign-off,
    with its evidence), else interim (the decisions the IQA ticks)."""
    enrolment = access.enrolment_for_sampling(request.user, pk, write=True)
    sign_off = open_sign_off(enrolment)
    kind = UnitSample.Kind.SUMMATIVE if sign_off else UnitSample.Kind.INTERIM
    kind_refusal = services.unit_sample_refusal(enrolment, kind)
    outcomes = [
        (value, label)
        for value, label in UnitSample.Outcome.choices
        if not services.unit_sample_refusal(enrolment, kind, value)
    ]
    refusals = [
        text
        for value, _label in UnitSample.Outcome.choices
        if (text := services.unit_sample_refusal(enrolment, kind, value))
    ]
    unsampled = services.unsampled_decisions(enrolment)
    data = request.POST if request.method == "POST" else None
    form = SampleForm(
        data,
        outcomes=outcomes,
        decisions=unsampled if kind == UnitSample.Kind.INTERIM else None,
    )
    criteria = Criterion.objects.filter(standard_id=enrolment.standard_id).order_by("kind", "order")
    referral_forms = [
        ReferralForm(data, prefix=f"ref{i}", criteria=criteria) for i in range(REFERRAL_ROWS)
    ]
    action_forms = [ActionForm(data, prefix=f"act{i}") for i in range(ACTION_ROWS)]
    if request.method == "POST" and not kind_refusal:
        checked = [f.is_valid() for f in [form, *referral_forms, *action_forms]]  # every one
        if all(checked):
            referrals = {
                f.cleaned_data["criterion"]: f.cleaned_data["feedback"]
                for f in referral_forms
                if f.cleaned_data.get("criterion")
            }
            actions = [
                (f.cleaned_data["text"], f.cleaned_data["due_on"])
                for f in action_forms
                if f.cleaned_data.get("text", "").strip()
            ]
            try:
                sample = services.unit_sample_record(
                    enrolment=enrolment,
                    iqa=request.user,
                    kind=kind,
                    outcome=form.cleaned_data["outcome"],
                    feedback=form.cleaned_data["feedback"],
                    decisions=form.cleaned_data.get("decisions") or [],
                    referrals=referrals,
                    actions=actions,
                )
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(request, _sample_message(sample))
                return redirect("quality:sample", pk=sample.pk)
    decisions = list(
        unsampled.select_related("enrolment")
        if kind == UnitSample.Kind.INTERIM
        else unsampled[:200]
    )
    for entry in decisions:
        entry.words = describe_entry(entry)
    return render(
        request,
        "quality/sample_unit.html",
        {
            "enrolment": enrolment,
            "sign_off": sign_off,
            "kind": kind,
            "kind_label": UnitSample.Kind(kind).label,
            "kind_refusal": kind_refusal,
            "refusals": refusals,
            "form": form,
            "decisions": decisions,
            "referral_forms": referral_forms,
            "action_forms": action_forms,
            "previous": selectors.samples_list(UnitSample.objects.filter(enrolment=enrolment))[:10],
            **_unit_contents(enrolment),
            "breadcrumbs": _crumbs(
                (
                    f"{enrolment.learner.display_name}, {enrolment.standard.display_code}",
                    None,
                ),
            ),
        },
    )


def _sample_message(sample: UnitSample) -> str:
    if sample.kind == UnitSample.Kind.SUMMATIVE and sample.outcome == UnitSample.Outcome.REFERRED:
        return (
            "Your referral is recorded. The unit is signed off, so the centre admin has been "
            "asked to reopen it for the assessor."
        )
    if sample.kind == UnitSample.Kind.SUMMATIVE and sample.sign_off.is_countersigned:
        return "Your sample is recorded and the sign-off is verified."
    return "Your sample is recorded."


@login_required
@require_safe
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    """One sample: outcome, feedback, referred criteria, the decisions and the actions, with
    the step each reader may take on each action."""
    sample = access.sample_for(request.user, pk)
    actions = selectors.with_due_words(list(sample.actions.order_by("due_on", "pk")))
    for action in actions:
        action.can_answer = not services.qa_action_refusal(action, request.user, "answer")
        action.can_close = not services.qa_action_refusal(action, request.user, "close")
        action.can_return = not services.qa_action_refusal(action, request.user, "return")
    decisions = list(sample.decisions.order_by("sequence"))
    for entry in decisions:
        entry.words = describe_entry(entry)
    return render(
        request,
        "quality/sample.html",
        {
            "sample": sample,
            "referrals": sample.referrals.select_related("criterion"),
            "decisions": decisions,
            "actions": actions,
            "answer_form": AnswerForm(),
            "return_form": ReturnForm(),
            "breadcrumbs": [
                (
                    sample.assessor.display_name,
                    reverse("quality:assessor", args=[sample.assessor_id]),
                ),
                (f"Sample of {sample.sampled_at:%d %b %Y}", None),
            ],
        },
    )


def _action_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    action = access.action_for(request.user, pk, step=step)
    form = AnswerForm(request.POST) if step == "answer" else ReturnForm(request.POST)
    if step == "close" or form.is_valid():
        try:
            if step == "answer":
                services.qa_action_answer(
                    action=action, assessor=request.user, response=form.cleaned_data["response"]
                )
                messages.success(request, "Your response is sent to the IQA.")
            elif step == "close":
                services.qa_action_close(action=action, iqa=request.user)
                messages.success(request, "The action is closed.")
            else:
                services.qa_action_return(
                    action=action, iqa=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, "The action is sent back to the assessor.")
        except ValidationError as error:
            messages.error(request, error_text(error))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("quality:sample", pk=action.sample_id)


@login_required
@require_POST
def action_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_step(request, pk, "answer")


@login_required
@require_POST
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_step(request, pk, "close")


@login_required
@require_POST
def action_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_step(request, pk, "return")
