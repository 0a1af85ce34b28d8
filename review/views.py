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
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.errors import error_text, form_error
from assessments.models import Enrolment, IqaSample, RecordEntry
from assessments.services import enrolment_is_locked, learner_units, open_sign_off
from evidence.models import EvidenceItem, Mapping
from evidence.selectors import awaiting_review_for, criteria_by_group, item_files, item_mappings
from evidence.services import locked_unit_refusal, quarantine_remedy, scan_refusal
from evidence.versions import assessed_version, changes_since
from review import access, services
from review import sign_off as sign_off_services
from review.plans import plan_current
from review.selectors import (
    Grid,
    enrolment_grid,
    equivalent_targets,
    grid_row,
    iqa_referrals,
    item_feedback,
)
from review.status import CriterionStatus, state_of
from standards.models import Criterion

GRID_COLUMNS = 12
RATIONALE_MAX = 2000
PAGE_SIZE = 25


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accept", "Accept"),
            ("accept_confirm", "Confirm the proposed mappings and accept"),
            ("refer", "Refer back"),
        ]
    )
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


class BulkJudgementForm(forms.Form):
    rationale = forms.CharField(
        label="One rationale for all (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave it blank to record each criterion's own “Met by E… (method)”.",
    )


class SignOffForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign the declaration above.",
    )


def _grid_crumbs(request: HttpRequest, enrolment: Enrolment) -> list[tuple[str, str | None]]:
    if request.user.pk == enrolment.learner_id:
        return [("My progress", reverse("learner_dashboard"))]
    if request.user.pk == enrolment.assessor_id:
        return [("My caseload", reverse("assessor_dashboard"))]
    return []


@login_required
@require_safe
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.item_for_review(request.user, pk, act=False)
    enrolment = item.enrolment
    can_act = enrolment.assessor_id == request.user.pk
    mappings = item_mappings(item)
    mapped_ids = {m.criterion_id for m in mappings}
    # Locks are per unit: a mapping into a signed-off unit is shown without controls, and
    # the item may be mapped to the criteria of any of the learner's open units.
    units = learner_units(item.learner_id)
    for mapping in mappings:
        unit = units.get(mapping.criterion.standard_id)
        mapping.unit_locked = unit is None or unit.is_locked
    open_units = sorted(
        (
            unit
            for unit in units.values()
            if not unit.is_locked and unit.assessor_id == request.user.pk
        ),
        key=lambda unit: (unit.standard_id != enrolment.standard_id, unit.standard.title),
    )
    groups = [
        (unit, group, [c for c in criteria if c.pk not in mapped_ids])
        for unit in open_units
        for group, criteria in criteria_by_group(unit.standard)
    ]
    return render(
        request,
        "review/review.html",
        {
            "item": item,
            "enrolment": enrolment,
            "files": (files := item_files(item)),
            "quarantine_remedy": (
                quarantine_remedy(item)
                if item.is_assessor_record and any(f.is_quarantined for f in files)
                else ""
            ),
            "mappings": mappings,
            "proposed_count": sum(not m.confirmed and not m.unit_locked for m in mappings),
            "unmapped_groups": [(u, g, cs) for u, g, cs in groups if cs],
            "frozen": locked_unit_refusal(item),
            "methods": Mapping.Method.choices,
            "default_method": services.default_method(item),
            "can_act": can_act,
            "scan_refusal": scan_refusal(item),
            "history": item_feedback(enrolment).get(item.pk),
            "assessed": (assessed := assessed_version(item)),
            "changes": changes_since(item, assessed) if assessed else [],
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
    item = access.item_for_review(request.user, pk, act=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or refer back.")
        return redirect("review:review", pk=item.pk)
    feedback = form.cleaned_data["feedback"]
    decision = form.cleaned_data["decision"]
    try:
        if decision == "accept":
            services.evidence_accept(item=item, assessor=request.user, feedback=feedback)
            messages.success(request, f"{item.reference} accepted.")
        elif decision == "accept_confirm":
            confirmed = Mapping.objects.filter(item=item, confirmed=False).count()
            services.evidence_accept_and_confirm(
                item=item, assessor=request.user, feedback=feedback
            )
            messages.success(
                request,
                f"{item.reference} accepted, with {confirmed} proposed "
                f"mapping{'s' if confirmed != 1 else ''} confirmed.",
            )
        else:
            services.evidence_refer(item=item, assessor=request.user, feedback=feedback)
            messages.success(request, f"{item.reference} referred back to the learner.")
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("review:review", pk=item.pk)
    return _next_for_review(request, item)


def _next_for_review(request: HttpRequest, item: EvidenceItem) -> HttpResponse:
    """After a decision the assessor lands on the next item awaiting their review (oldest
    first), or on the learner's grid when none is left."""
    following = awaiting_review_for(request.user).exclude(pk=item.pk).first()
    if following is None:
        messages.info(request, "Nothing else is awaiting your review.")
        return redirect("review:grid", pk=item.enrolment_id)
    messages.info(request, f"Next: {following.reference} of {following.enrolment.learner}.")
    return redirect("review:review", pk=following.pk)


@login_required
@require_POST
def review_confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm every mapping the learner proposed for the item, in one action."""
    item = access.item_for_review(request.user, pk, act=True)
    try:
        confirmed = services.mappings_confirm_proposed(item=item, assessor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        refs = ", ".join(m.criterion.reference for m in confirmed) or "nothing"
        messages.success(request, f"Confirmed the learner's mappings of {item.reference}: {refs}.")
    return redirect("review:review", pk=item.pk)


@login_required
@require_POST
def review_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.item_for_review(request.user, pk, act=True)
    form = MappingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a criterion and a method.")
        return redirect("review:review", pk=item.pk)
    criterion = form.cleaned_data["criterion"]
    method = form.cleaned_data["method"]
    action = form.cleaned_data["action"]
    try:
        if action == "add":
            proposed = Mapping.objects.filter(item=item, criterion=criterion, confirmed=False)
            done = "confirmed" if proposed.exists() else "added"
            services.mapping_add(
                item=item, criterion=criterion, assessor=request.user, method=method
            )
            messages.success(
                request, f"Mapping of {item.reference} to {criterion.reference} {done}."
            )
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
        messages.error(request, error_text(error))
    return redirect("review:review", pk=item.pk)


def _grid_summary(
    request: HttpRequest,
    enrolment: Enrolment,
    data: Grid,
    referrals: dict[int | None, list[IqaSample]],
) -> dict[str, Any]:
    """The grid's summary (criteria met, criteria without evidence) and its next step (sign
    off, judge the backed criteria, or what is missing), all from ``enrolment_grid``, whose
    rows take their status from ``review.status``. The page renders it, and every htmx
    response that changes a mapping or a judgement sends it again out of band
    (``review/_grid_oob.html``): one reading, so the top of the grid never contradicts it."""
    sign_off = open_sign_off(enrolment)
    can_map = (
        enrolment.assessor_id == request.user.pk
        and sign_off is None
        and enrolment.status == Enrolment.Status.ACTIVE
    )
    for group, rows in data.groups:
        group.backed_count = sum(row.status == CriterionStatus.BACKED for row in rows)
    return {
        "enrolment": enrolment,
        "grid": data,
        "counts": data.counts(),
        "sign_off": sign_off,
        "can_map": can_map,
        "can_sign_off": can_map
        and not data.unmet
        and bool(data.rows)
        and not any(key for key in referrals),
        "backed_count": sum(group.backed_count for group, _rows in data.groups),
        "sign_off_declaration": sign_off_services.sign_off_declaration(enrolment, request.user),
    }


def _grid_update(
    request: HttpRequest,
    enrolment: Enrolment,
    criterion: Criterion,
    *,
    announcement: str,
    note: str = "",
    item: EvidenceItem | None = None,
) -> HttpResponse:
    """The htmx answer to a change in the grid, read after it: the clicked cell (``item``
    given) or, after a judgement, nothing in place; out of band the criterion's status and
    mapped-evidence cells, the summary, the next step and the group's link. A constant
    number of queries, however large the unit."""
    data = enrolment_grid(enrolment)
    referrals = iqa_referrals(enrolment)
    context = _grid_summary(request, enrolment, data, referrals)
    row = next(row for row in data.rows if row.criterion.pk == criterion.pk)
    row.iqa_referrals = referrals.get(criterion.pk, [])
    context |= {
        "oob_row": row,
        "oob_group": next(group for group, _rows in data.groups if group.pk == criterion.group_id),
        "note": note,
    }
    if item is None:
        template = "review/grid_row_update.html"
        context |= {"row": row, "focus_after": True}
    else:
        template = "review/grid_cell.html"
        cell = row.cells.get(item.pk)
        context |= {
            "item": item,
            "criterion": row.criterion,
            "cell": cell,
            "cell_url": _cell_url(enrolment),
            "equivalents": equivalent_targets(item, criterion)
            if cell and cell.confirmed and context["can_map"]
            else [],
        }
    response = render(request, template, context)
    response["HX-Trigger"] = json.dumps({"announce": announcement})
    return response


def _cell_url(enrolment: Enrolment) -> str:
    """Where a grid cell's URLs start (``review:grid_toggle`` and ``review:map_equivalents``
    continue it with ``<item>/<criterion>/``): one reverse for the page, not two per cell."""
    return reverse("review:grid", args=[enrolment.pk])


@login_required
@require_safe
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The mapping grid: the assessor maps here; everyone else sees it read-only, with the
    unit's state in words and only the actions its services will accept."""
    enrolment = access.enrolment_for_reading(request.user, pk)
    data = enrolment_grid(enrolment)
    referrals = iqa_referrals(enrolment)
    summary = _grid_summary(request, enrolment, data, referrals)
    sign_off = summary["sign_off"]
    is_assessor = enrolment.assessor_id == request.user.pk
    is_learner = enrolment.learner_id == request.user.pk
    columns = Paginator(data.items, GRID_COLUMNS).get_page(request.GET.get("items"))
    for row in data.rows:
        row.columns = [(item, row.cells.get(item.pk)) for item in columns]
        row.iqa_referrals = referrals.get(row.criterion.pk, [])
    feedback = item_feedback(enrolment)
    shown = {item.pk for item in data.items}
    referred = [
        (item, feedback.get(item.pk))
        for item in data.items
        if item.status == EvidenceItem.Status.REFERRED
    ]
    return render(
        request,
        "review/grid.html",
        summary
        | {
            "columns": columns,
            "show_columns": not is_learner,
            "cell_url": _cell_url(enrolment),
            "is_learner": is_learner,
            "is_assessor": is_assessor,
            "can_countersign": is_learner
            and sign_off is not None
            and not sign_off.is_countersigned,
            "can_reopen": sign_off is not None
            and request.user.is_centre_admin
            and request.user.centre_id == enrolment.centre_id,
            "plan": plan_current(enrolment),
            "state": state_of(enrolment),
            "unit_referrals": referrals.get(None, []),
            "reopen_requests": list(
                enrolment.reopen_requests.filter(resolved_at__isnull=True).select_related(
                    "requested_by", "criterion"
                )
            ),
            "referred": referred,
            "feedback": [
                entry
                for item_id, entry in feedback.items()
                if item_id in shown
                and entry.payload.get("feedback")
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
    enrolment = access.enrolment_for_assessor(request.user, pk)
    item = get_object_or_404(
        EvidenceItem.objects.select_related("enrolment"),
        pk=item_pk,
        enrolment__learner_id=enrolment.learner_id,
    )
    criterion = get_object_or_404(Criterion, pk=criterion_pk, standard_id=enrolment.standard_id)
    method = request.POST.get("method", "")
    announcement = note = ""
    proposed = Mapping.objects.filter(item=item, criterion=criterion, confirmed=False).exists()
    try:
        mapping = services.mapping_toggle(
            item=item, criterion=criterion, assessor=request.user, method=method
        )
    except ValidationError as error:
        announcement = note = error_text(error)
        if not request.headers.get("HX-Request"):
            messages.error(request, announcement)
    else:
        announcement = (
            f"{'Confirmed the mapping of' if proposed else 'Mapped'} {item.reference} "
            f"to {criterion.reference} "
            f"({mapping.get_method_display().lower()})."
            if mapping
            else f"Unmapped {item.reference} from {criterion.reference}."
        )
    if not request.headers.get("HX-Request"):
        return redirect(f"{reverse('review:grid', args=[enrolment.pk])}#row-{criterion.pk}")
    return _grid_update(
        request, enrolment, criterion, announcement=announcement, note=note, item=item
    )


@login_required
@require_POST
def map_equivalents(request: HttpRequest, pk: int, item_pk: int, criterion_pk: int) -> HttpResponse:
    """Map an item to the equivalents of a knowledge item in the learner's other standards."""
    enrolment = access.enrolment_for_assessor(request.user, pk)
    item = get_object_or_404(EvidenceItem, pk=item_pk, enrolment__learner_id=enrolment.learner_id)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, standard_id=enrolment.standard_id)
    try:
        mapped = services.mapping_add_equivalents(
            item=item,
            criterion=criterion,
            assessor=request.user,
            method=request.POST.get("method", ""),
        )
    except ValidationError as error:
        text = error_text(error)
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
    return _grid_update(request, enrolment, criterion, announcement=text, note=text, item=item)


@login_required
@require_POST
def judge_met(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """One click in the grid's row: judge a backed criterion met, with the rationale as sent
    (by default "Met by E… (method)"). An htmx request gets the row's cells back."""
    enrolment = access.enrolment_for_assessor(request.user, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, standard_id=enrolment.standard_id)
    rationale = request.POST.get("rationale", "")[:RATIONALE_MAX]
    note = ""
    try:
        services.criterion_judge(
            enrolment=enrolment,
            criterion=criterion,
            assessor=request.user,
            met=True,
            rationale=rationale.strip() or grid_row(enrolment, criterion).met_by,
        )
    except ValidationError as error:
        note = error_text(error)
        announcement = note
    else:
        announcement = f"{criterion.reference} judged met."
    if not request.headers.get("HX-Request"):
        (messages.error if note else messages.success)(request, announcement)
        return redirect(f"{reverse('review:grid', args=[enrolment.pk])}#row-{criterion.pk}")
    return _grid_update(request, enrolment, criterion, announcement=announcement, note=note)


@login_required
@require_http_methods(["GET", "POST"])
def judge_backed(request: HttpRequest, pk: int) -> HttpResponse:
    """Judge every backed criterion of the unit (or of one group, ``?group=``) met at once,
    after showing what will be judged."""
    enrolment = access.enrolment_for_assessor(request.user, pk)
    data = enrolment_grid(enrolment)
    group_id = request.GET.get("group", "")
    group = (
        next((g for g, _rows in data.groups if str(g.pk) == group_id), None) if group_id else None
    )
    rows = [
        row
        for g, group_rows in data.groups
        if group is None or g.pk == group.pk
        for row in group_rows
        if row.status == CriterionStatus.BACKED
    ]
    form = BulkJudgementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            judged = services.criteria_judge_backed(
                enrolment=enrolment,
                assessor=request.user,
                criteria=[row.criterion for row in rows],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request, f"{len(judged)} criteri{'on' if len(judged) == 1 else 'a'} judged met."
            )
            return redirect("review:grid", pk=enrolment.pk)
    return render(
        request,
        "review/judge_backed.html",
        {
            "enrolment": enrolment,
            "group": group,
            "rows": rows,
            "locked": enrolment_is_locked(enrolment),
            "form": form,
            "breadcrumbs": [
                *_grid_crumbs(request, enrolment),
                (
                    f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
                    reverse("review:grid", args=[enrolment.pk]),
                ),
                ("Judge backed criteria met", None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def judge(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    enrolment = access.enrolment_for_assessor(request.user, pk)
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
            form_error(form, error)
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
    """The sign-off page says what is missing until the unit is complete; only then does it
    offer the declaration."""
    enrolment = access.enrolment_for_assessor(request.user, pk)
    data = enrolment_grid(enrolment)
    existing = open_sign_off(enrolment)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_off_services.unit_sign_off(
                enrolment=enrolment,
                assessor=request.user,
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"{enrolment.standard.display_code} signed off. "
                f"{enrolment.learner.display_name} now countersigns it.",
            )
            return redirect("review:grid", pk=enrolment.pk)
    unmet_rows = [row for row in data.rows if not row.met]
    referred = sign_off_services.referred_criteria(enrolment)
    return render(
        request,
        "review/review_sign_off.html",
        {
            "enrolment": enrolment,
            "grid": data,
            "counts": data.counts(),
            "unmet_rows": unmet_rows,
            "existing": existing,
            "referral_message": sign_off_services.referral_message(referred) if referred else "",
            "can_sign": existing is None
            and not unmet_rows
            and not referred
            and bool(data.rows)
            and enrolment.status == Enrolment.Status.ACTIVE,
            "declaration": sign_off_services.sign_off_declaration(enrolment, request.user),
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


class CountersignForm(forms.Form):
    confirm = forms.BooleanField(label="I make this declaration")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Reason for reopening",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Recorded permanently, and shown to the assessor and learner.",
    )


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
    enrolment = access.enrolment_for_learner(request.user, pk)
    sign_off = open_sign_off(enrolment)
    form = CountersignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_off_services.unit_countersign(enrolment=enrolment, learner=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request, "You have countersigned the unit. It now goes to the IQA to verify."
            )
            return redirect("review:grid", pk=enrolment.pk)
    return render(
        request,
        "review/countersign.html",
        {
            "enrolment": enrolment,
            "sign_off": sign_off,
            "declaration": sign_off_services.countersign_declaration(enrolment),
            "form": form,
            "breadcrumbs": _enrolment_crumbs(enrolment, "Countersign"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """A centre admin reopens a signed-off unit; the IQA's open requests show their reasons."""
    enrolment = access.enrolment_for_admin(request.user, pk)
    sign_off = open_sign_off(enrolment)
    requests = list(
        enrolment.reopen_requests.filter(resolved_at__isnull=True).select_related(
            "requested_by", "criterion"
        )
    )
    initial = {"reason": "\n".join(f"IQA referral: {r.reason}" for r in requests)}
    form = ReopenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sign_off_services.unit_reopen(
                enrolment=enrolment, admin=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The unit is reopened; the assessor can change it again.")
            return redirect("review:grid", pk=enrolment.pk)
    return render(
        request,
        "review/reopen.html",
        {
            "enrolment": enrolment,
            "sign_off": sign_off,
            "reopen_requests": requests,
            "form": form,
            "breadcrumbs": _enrolment_crumbs(enrolment, "Reopen"),
        },
    )


# The IQA's sampling moved to the quality app (a learner's unit is sampled, not a single
# decision); these addresses of the per-decision pages lead there.


@login_required
@require_safe
def iqa_assessors(request: HttpRequest) -> HttpResponse:
    """Formerly the assessors list: the quality home."""
    access.require_iqa(request.user)
    return redirect("quality:home")


@login_required
@require_safe
def iqa_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    """Formerly one assessor's decisions: the decisions list filtered to that assessor."""
    assessor = access.assessor_for_iqa(request.user, pk)
    return redirect(f"{reverse('quality:decisions')}?assessor={assessor.pk}")


@login_required
@require_safe
def iqa_sample(request: HttpRequest, pk: int) -> HttpResponse:
    """Formerly the page sampling one decision: the page sampling its unit."""
    entry = access.entry_for_iqa(request.user, pk)
    return redirect("quality:sample_unit", pk=entry.enrolment_id)
