"""The assessor's pages: review an item, the mapping grid, judgements and unit sign-off.

Anyone who may see the enrolment may read the grid (the learner sees it as their progress);
only the enrolment's assessor may act. Someone who may see it asking to act gets a 403;
anyone else a 404 (``assessments.access.get_enrolment_for``, ``evidence.access``).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import get_enrolment_for
from assessments.models import Enrolment, RecordEntry
from assessments.services import (
    enrolment_is_locked,
    open_sign_off,
    sign_off_declaration,
)
from evidence.access import get_item_for
from evidence.models import EvidenceItem, Mapping
from evidence.selectors import criteria_by_group, item_files, item_mappings
from review import services
from review.selectors import (
    enrolment_grid,
    equivalent_targets,
    grid_row,
    item_feedback,
)
from standards.models import Criterion

GRID_COLUMNS = 12


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("refer", "Refer back")])
    feedback = forms.CharField(
        label="Feedback to the learner",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when referring back: say what to change.",
    )


class MappingForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("add", "Add"), ("remove", "Remove"), ("method", "Change method")]
    )
    criterion = forms.ModelChoiceField(queryset=Criterion.objects.all())
    method = forms.ChoiceField(
        label="Assessment method", choices=[("", "Default for the evidence type")], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            ("", "Default for the evidence type"),
            *list(Mapping.Method.choices),
        ]


class JudgementForm(forms.Form):
    met = forms.TypedChoiceField(
        label="Is the criterion met?",
        choices=[("1", "Met"), ("0", "Not met")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, met holistically across several items. Required if not met.",
    )


class SignOffForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign the declaration above.",
    )


def _act_on_enrolment(user: Any, pk: int) -> Enrolment:
    enrolment = get_enrolment_for(user, pk)
    if enrolment.assessor_id != user.pk:
        raise PermissionDenied("Only the learner's assessor may do this.")
    return enrolment


def _item_for_review(user: Any, pk: int, *, act: bool) -> EvidenceItem:
    item = get_item_for(user, pk)
    is_assessor = item.enrolment.assessor_id == user.pk
    if act and not is_assessor:
        raise PermissionDenied("Only the learner's assessor may review this evidence.")
    if not is_assessor and item.enrolment.learner_id == user.pk:
        raise PermissionDenied("This is your assessor's page; see your evidence instead.")
    if item.status == EvidenceItem.Status.DRAFT:
        raise PermissionDenied("The learner has not submitted this evidence yet.")
    return item


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _grid_crumbs(request: HttpRequest, enrolment: Enrolment) -> list[tuple[str, str | None]]:
    if request.user.pk == enrolment.learner_id:
        return [("My progress", reverse("learner_dashboard"))]
    if request.user.pk == enrolment.assessor_id:
        return [("My caseload", reverse("assessor_dashboard"))]
    return []


@login_required
@require_safe
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_review(request.user, pk, act=False)
    enrolment = item.enrolment
    can_act = enrolment.assessor_id == request.user.pk and not enrolment_is_locked(enrolment)
    mappings = item_mappings(item)
    mapped_ids = {m.criterion_id for m in mappings}
    groups = [
        (group, [c for c in criteria if c.pk not in mapped_ids])
        for group, criteria in criteria_by_group(enrolment.standard)
    ]
    return render(
        request,
        "review/review.html",
        {
            "item": item,
            "enrolment": enrolment,
            "files": item_files(item),
            "mappings": mappings,
            "unmapped_groups": [(g, cs) for g, cs in groups if cs],
            "methods": Mapping.Method.choices,
            "default_method": services.default_method(item),
            "can_act": can_act,
            "history": item_feedback(enrolment).get(item.pk),
            "decision_form": DecisionForm(),
            "breadcrumbs": [
                *_grid_crumbs(request, enrolment),
                (
                    f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
                    reverse("review:grid", args=[enrolment.pk]),
                ),
                (f"Review {item.reference}", None),
            ],
        },
    )


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_review(request.user, pk, act=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or refer back.")
        return redirect("review:review", pk=item.pk)
    feedback = form.cleaned_data["feedback"]
    try:
        if form.cleaned_data["decision"] == "accept":
            services.evidence_accept(item=item, assessor=request.user, feedback=feedback)
            messages.success(request, f"{item.reference} accepted.")
        else:
            services.evidence_refer(item=item, assessor=request.user, feedback=feedback)
            messages.success(request, f"{item.reference} referred back to the learner.")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("review:review", pk=item.pk)


@login_required
@require_POST
def review_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_review(request.user, pk, act=True)
    form = MappingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a criterion and a method.")
        return redirect("review:review", pk=item.pk)
    criterion = form.cleaned_data["criterion"]
    method = form.cleaned_data["method"]
    action = form.cleaned_data["action"]
    try:
        if action == "add":
            services.mapping_add(
                item=item, criterion=criterion, assessor=request.user, method=method
            )
            messages.success(request, f"{item.reference} mapped to {criterion.reference}.")
        elif action == "remove":
            services.mapping_remove(item=item, criterion=criterion, assessor=request.user)
            messages.success(request, f"{item.reference} unmapped from {criterion.reference}.")
        else:
            mapping = get_object_or_404(Mapping, item=item, criterion=criterion)
            services.mapping_set_method(
                mapping=mapping, assessor=request.user, method=method or mapping.method
            )
            messages.success(request, f"Method for {criterion.reference} saved.")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("review:review", pk=item.pk)


def _cell_context(
    enrolment: Enrolment, item: EvidenceItem, criterion: Criterion, can_map: bool
) -> dict[str, Any]:
    row = grid_row(enrolment, criterion)
    cell = row.cells.get(item.pk)
    equivalents = equivalent_targets(item, criterion) if cell and cell.confirmed and can_map else []
    return {
        "enrolment": enrolment,
        "item": item,
        "criterion": criterion,
        "oob_row": row,
        "cell": cell,
        "can_map": can_map,
        "equivalents": equivalents,
    }


@login_required
@require_safe
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The mapping grid: the assessor maps here; everyone else sees it read-only."""
    enrolment = get_enrolment_for(request.user, pk)
    data = enrolment_grid(enrolment)
    sign_off = open_sign_off(enrolment)
    can_map = enrolment.assessor_id == request.user.pk and sign_off is None
    is_learner = enrolment.learner_id == request.user.pk
    columns = Paginator(data.items, GRID_COLUMNS).get_page(request.GET.get("items"))
    for row in data.rows:
        row.columns = [(item, row.cells.get(item.pk)) for item in columns]
    feedback = item_feedback(enrolment)
    referred = [
        (item, feedback.get(item.pk))
        for item in data.items
        if item.status == EvidenceItem.Status.REFERRED
    ]
    return render(
        request,
        "review/grid.html",
        {
            "enrolment": enrolment,
            "grid": data,
            "counts": data.counts(),
            "columns": columns,
            "show_columns": not is_learner,
            "can_map": can_map,
            "is_learner": is_learner,
            "is_assessor": enrolment.assessor_id == request.user.pk,
            "sign_off": sign_off,
            "referred": referred,
            "feedback": [
                entry
                for entry in feedback.values()
                if entry.payload.get("feedback")
                and entry.action == RecordEntry.Action.EVIDENCE_ACCEPTED
            ],
            "methods": Mapping.Method.choices,
            "breadcrumbs": [
                *_grid_crumbs(request, enrolment),
                (f"{enrolment.learner.display_name}: {enrolment.standard.display_code}", None),
            ],
        },
    )


@login_required
@require_POST
def grid_toggle(request: HttpRequest, pk: int, item_pk: int, criterion_pk: int) -> HttpResponse:
    """One click maps or unmaps; an htmx request gets just the cell back."""
    enrolment = _act_on_enrolment(request.user, pk)
    item = get_object_or_404(
        EvidenceItem.objects.select_related("enrolment"),
        pk=item_pk,
        enrolment__learner_id=enrolment.learner_id,
    )
    criterion = get_object_or_404(Criterion, pk=criterion_pk, standard_id=enrolment.standard_id)
    method = request.POST.get("method", "")
    announcement = note = ""
    try:
        mapping = services.mapping_toggle(
            item=item, criterion=criterion, assessor=request.user, method=method
        )
    except ValidationError as error:
        announcement = note = _errors(error)
        if not request.headers.get("HX-Request"):
            messages.error(request, announcement)
    else:
        announcement = (
            f"Mapped {item.reference} to {criterion.reference} "
            f"({mapping.get_method_display().lower()})."
            if mapping
            else f"Unmapped {item.reference} from {criterion.reference}."
        )
    if not request.headers.get("HX-Request"):
        return redirect(f"{reverse('review:grid', args=[enrolment.pk])}#row-{criterion.pk}")
    response = render(
        request,
        "review/grid_cell.html",
        _cell_context(enrolment, item, criterion, can_map=not enrolment_is_locked(enrolment))
        | {"note": note},
    )
    response["HX-Trigger"] = json.dumps({"announce": announcement})
    return response


@login_required
@require_POST
def map_equivalents(request: HttpRequest, pk: int, item_pk: int, criterion_pk: int) -> HttpResponse:
    """Map an item to the equivalents of a knowledge item in the learner's other standards."""
    enrolment = _act_on_enrolment(request.user, pk)
    item = get_object_or_404(EvidenceItem, pk=item_pk, enrolment__learner_id=enrolment.learner_id)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, standard_id=enrolment.standard_id)
    try:
        mapped = services.mapping_add_equivalents(
            item=item,
            criterion=criterion,
            assessor=request.user,
            method=request.POST.get("method", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        text = _errors(error) if isinstance(error, ValidationError) else str(error)
    else:
        text = (
            f"{item.reference} also mapped to "
            + (
                ", ".join(
                    f"{m.criterion.standard.display_code} {m.criterion.reference}" for m in mapped
                )
                or "nothing more"
            )
            + "."
        )
    if not request.headers.get("HX-Request"):
        messages.info(request, text)
        return redirect(f"{reverse('review:grid', args=[enrolment.pk])}#row-{criterion.pk}")
    response = render(
        request,
        "review/grid_cell.html",
        _cell_context(enrolment, item, criterion, can_map=True) | {"note": text},
    )
    response["HX-Trigger"] = json.dumps({"announce": text})
    return response


@login_required
@require_http_methods(["GET", "POST"])
def judge(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    enrolment = _act_on_enrolment(request.user, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, standard_id=enrolment.standard_id)
    row = grid_row(enrolment, criterion)
    initial = {"met": "1" if (row.judgement is None or row.judgement.met) else "0"}
    if row.judgement:
        initial["rationale"] = row.judgement.rationale
    form = JudgementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_judge(
                enrolment=enrolment,
                criterion=criterion,
                assessor=request.user,
                met=form.cleaned_data["met"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Judgement on {criterion.reference} recorded.")
            return redirect(f"{reverse('review:grid', args=[enrolment.pk])}#row-{criterion.pk}")
    return render(
        request,
        "review/review_judge.html",
        {
            "enrolment": enrolment,
            "criterion": criterion,
            "row": row,
            "form": form,
            "locked": enrolment_is_locked(enrolment),
            "breadcrumbs": [
                *_grid_crumbs(request, enrolment),
                (
                    f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
                    reverse("review:grid", args=[enrolment.pk]),
                ),
                (f"Judge {criterion.reference}", None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _act_on_enrolment(request.user, pk)
    data = enrolment_grid(enrolment)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_sign_off(
                enrolment=enrolment,
                assessor=request.user,
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{enrolment.standard.display_code} signed off. "
                f"{enrolment.learner.display_name} now countersigns it.",
            )
            return redirect("review:grid", pk=enrolment.pk)
    return render(
        request,
        "review/review_sign_off.html",
        {
            "enrolment": enrolment,
            "grid": data,
            "counts": data.counts(),
            "unmet_rows": [row for row in data.rows if not row.met],
            "existing": open_sign_off(enrolment),
            "declaration": sign_off_declaration(enrolment, request.user),
            "form": form,
            "breadcrumbs": [
                *_grid_crumbs(request, enrolment),
                (
                    f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
                    reverse("review:grid", args=[enrolment.pk]),
                ),
                ("Sign off", None),
            ],
        },
    )
