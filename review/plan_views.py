"""Assessment plan pages: read the current plan and every earlier version, draft or revise it
(the assessor), sign it (the assessor, then the learner).

Everyone who may see the enrolment reads its plan; anyone else gets a 404. The assessor alone
drafts and revises; the assessor and the learner alone sign; others who may read get a 403
(``review.access``).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.errors import form_error
from assessments.models import Enrolment
from assessments.services import enrolment_is_locked
from evidence.models import Mapping
from review import access, plans
from review.models import AssessmentPlan
from standards.formfields import ModelIdsField
from standards.models import Criterion, CriterionGroup

EXTRA_ACTIVITIES = 3
REFERENCE_SPLIT = re.compile(r"[\s,;]+")


class GroupChoiceField(ModelIdsField):
    def label_from_instance(self, obj: CriterionGroup) -> str:
        reference = f"{obj.reference}. " if obj.reference else ""
        return f"{reference}{obj.title} ({obj.get_kind_display().lower()})"


class ActivityForm(forms.Form):
    """One planned activity: what, which criteria, by which methods, where and by when."""

    what = forms.CharField(
        label="What will be assessed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The activity in words, e.g. “Supporting a resident at mealtimes”.",
    )
    groups = GroupChoiceField(
        label="Whole groups of criteria",
        queryset=CriterionGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    criteria = forms.CharField(
        label="Single criteria",
        required=False,
        max_length=2000,
        help_text="References separated by commas or spaces, e.g. P1, P4, K12.",
    )
    methods = forms.MultipleChoiceField(
        label="Assessment methods",
        choices=Mapping.Method.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    where = forms.CharField(
        label="Where (place and work setting)",
        max_length=300,
        help_text="e.g. “Oak Ward, Riverside Care Home: real work”.",
    )
    by = forms.DateField(
        label="By when (target date)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        *args: Any,
        groups: Any,
        criteria: dict[str, Criterion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups
        self.criteria_by_reference = criteria

    def clean_criteria(self) -> list[Criterion]:
        found, unknown = [], []
        folded = {ref.casefold(): c for ref, c in self.criteria_by_reference.items()}
        for reference in REFERENCE_SPLIT.split(self.cleaned_data["criteria"].strip()):
            if not reference:
                continue
            criterion = self.criteria_by_reference.get(reference) or folded.get(
                reference.casefold()
            )
            if criterion is None:
                unknown.append(reference)
            elif criterion not in found:
                found.append(criterion)
        if unknown:
            raise forms.ValidationError(f"Not a criterion of this standard: {', '.join(unknown)}.")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("groups") and not data.get("criteria"):
            raise forms.ValidationError("Choose whole groups or name single criteria.")
        return data


class BaseActivityFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Leave this activity out of the new version"

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not kept:
            raise forms.ValidationError("Plan at least one assessment activity.")


ActivityFormSet = forms.formset_factory(
    ActivityForm,
    formset=BaseActivityFormSet,
    extra=EXTRA_ACTIVITIES,
    can_delete=True,
    max_num=plans.MAX_ACTIVITIES,
    validate_max=True,
)


class RevisionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the plan being revised?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the new version. You and the learner both sign it again.",
    )


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    signature = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Type your full name as it appears on your account. This is your e-signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


def _crumbs(enrolment: Enrolment, *last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (
            f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
            reverse("review:grid", args=[enrolment.pk]),
        ),
        *last,
    ]


def _sign_declaration(plan: AssessmentPlan, user: Any) -> str:
    name = user.get_full_name() or user.get_username()
    if plans.plan_signatory(plan, user) == "assessor":
        return (
            f"I, {name}, agree this assessment plan (version {plan.version}) with "
            f"{plan.enrolment.learner.display_name} and will assess them as it sets out."
        )
    return (
        f"I, {name}, agree this assessment plan (version {plan.version}) with my assessor, "
        f"{plan.enrolment.assessor.display_name if plan.enrolment.assessor else 'my assessor'}."
    )


def _may_sign(plan: AssessmentPlan | None, user: Any, *, locked: bool) -> bool:
    if plan is None or locked or plan.enrolment.status != Enrolment.Status.ACTIVE:
        return False
    role = plans.plan_signatory(plan, user)
    if role == "assessor":
        return plan.assessor_signed_at is None
    return role == "learner" and plan.assessor_signed_at is not None and not plan.is_agreed


def _render_plan(
    request: HttpRequest,
    enrolment: Enrolment,
    plan: AssessmentPlan | None,
    *,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page of one version: the current one (with its actions) or an earlier one."""
    versions = list(plans.plan_versions(enrolment))
    current = versions[0] if versions else None
    is_current = plan is not None and current is not None and plan.pk == current.pk
    locked = enrolment_is_locked(enrolment)
    can_sign = is_current and _may_sign(plan, request.user, locked=locked)
    if can_sign and sign_form is None:
        sign_form = SignForm(initial={"version": plan.version})
    is_assessor = enrolment.assessor_id == request.user.pk
    title = (
        f"Assessment plan, version {plan.version}" if plan and not is_current else "Assessment plan"
    )
    crumbs = [(title, None)]
    if plan and not is_current:
        crumbs = [("Assessment plan", reverse("review:plan", args=[enrolment.pk])), *crumbs]
    return render(
        request,
        "review/plan.html",
        {
            "enrolment": enrolment,
            "plan": plan,
            "current": current,
            "is_current": is_current,
            "versions": versions,
            "title": title,
            "locked": locked,
            "is_learner": enrolment.learner_id == request.user.pk,
            "can_edit": is_assessor and not locked and enrolment.status == Enrolment.Status.ACTIVE,
            "can_sign": can_sign,
            "sign_form": sign_form if can_sign else None,
            "declaration": _sign_declaration(plan, request.user) if can_sign else "",
            "breadcrumbs": _crumbs(enrolment, *crumbs),
        },
        status=status,
    )


@login_required
@require_safe
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The current plan, its state and signatures, and the list of every version."""
    enrolment = access.enrolment_for_reading(request.user, pk)
    return _render_plan(request, enrolment, plans.plan_current(enrolment))


@login_required
@require_safe
def plan_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """One version as it was drafted, with its own signatures."""
    enrolment, plan_ = access.plan_version_for(request.user, pk, version)
    plan_.enrolment = enrolment
    return _render_plan(request, enrolment, plan_)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor drafts the first version or revises the current one into the next."""
    enrolment = access.enrolment_for_assessor(request.user, pk)
    current = plans.plan_current(enrolment)
    groups = CriterionGroup.objects.filter(standard_id=enrolment.standard_id).order_by(
        "kind", "order"
    )
    criteria = {
        c.reference: c
        for c in Criterion.objects.filter(standard_id=enrolment.standard_id).order_by(
            "kind", "order"
        )
    }
    initial = [
        {
            "what": a.get("what", ""),
            "groups": [g["id"] for g in a.get("groups", [])],
            "criteria": ", ".join(c["reference"] for c in a.get("criteria", [])),
            "methods": a.get("methods", []),
            "where": a.get("where", ""),
            "by": a.get("by"),
        }
        for a in (current.activities if current else [])
    ]
    data = request.POST if request.method == "POST" else None
    formset = ActivityFormSet(
        data,
        initial=initial,
        prefix="activity",
        form_kwargs={"groups": groups, "criteria": criteria},
    )
    revision = RevisionForm(data) if current else None
    if (
        request.method == "POST"
        and formset.is_valid()
        and (revision is None or revision.is_valid())
    ):
        activities = [
            plans.PlannedActivity(
                what=f.cleaned_data["what"],
                methods=f.cleaned_data["methods"],
                where=f.cleaned_data["where"],
                by=f.cleaned_data["by"],
                groups=list(f.cleaned_data["groups"]),
                criteria=f.cleaned_data["criteria"],
            )
            for f in formset.forms
            if f.has_changed() and not formset._should_delete_form(f)
        ]
        try:
            if current is None:
                saved = plans.plan_create(
                    enrolment=enrolment, assessor=request.user, activities=activities
                )
            else:
                saved = plans.plan_revise(
                    plan=current,
                    assessor=request.user,
                    activities=activities,
                    reason=revision.cleaned_data["reason"],
                )
        except ValidationError as error:
            form_error(revision or formset.forms[0], error)
        else:
            messages.success(
                request,
                f"Version {saved.version} of the plan is drafted. Sign it below; then "
                f"{enrolment.learner.display_name} signs it to agree it.",
            )
            return redirect("review:plan", pk=enrolment.pk)
    errors = [
        *formset.non_form_errors(),
        *(revision.non_field_errors() if revision else []),
        *(e for f in formset.forms for e in f.non_field_errors()),
    ]
    title = "Revise the assessment plan" if current else "Draft the assessment plan"
    return render(
        request,
        "review/plan_edit.html",
        {
            "enrolment": enrolment,
            "current": current,
            "formset": formset,
            "revision": revision,
            "errors": errors,
            "has_field_errors": any(f.errors for f in formset.forms)
            or bool(revision and revision.errors),
            "title": title,
            "breadcrumbs": _crumbs(
                enrolment,
                ("Assessment plan", reverse("review:plan", args=[enrolment.pk])),
                (title, None),
            ),
        },
    )


@login_required
@require_POST
def plan_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor signs a drafted version; the learner then signs it to agree it."""
    enrolment = access.enrolment_for_plan_signing(request.user, pk)
    current = plans.plan_current(enrolment)
    form = SignForm(request.POST)
    if current is None:
        messages.error(request, "There is no plan to sign yet.")
        return redirect("review:plan", pk=enrolment.pk)
    current.enrolment = enrolment
    if form.is_valid():
        if form.cleaned_data["version"] != current.version:
            form.add_error(
                None,
                f"The plan was revised while you read it: version {current.version} is "
                "shown now. Read it before signing.",
            )
        else:
            try:
                plans.plan_sign(
                    plan=current, user=request.user, signature=form.cleaned_data["signature"]
                )
            except ValidationError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    "You have agreed the plan."
                    if plans.plan_signatory(current, request.user) == "learner"
                    else f"You have signed the plan. {enrolment.learner.display_name} signs it "
                    "next to agree it.",
                )
                return redirect("review:plan", pk=enrolment.pk)
    if not _may_sign(current, request.user, locked=enrolment_is_locked(enrolment)):
        for message in form.non_field_errors() or ["This version cannot be signed now."]:
            messages.error(request, message)
        return redirect("review:plan", pk=enrolment.pk)
    return _render_plan(request, enrolment, current, sign_form=form)
