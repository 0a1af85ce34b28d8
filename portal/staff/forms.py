"""Forms that only validate; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.staff.models import (
    CpdEntry,
    ExpertWitness,
    Observation,
    Qualification,
)
from portal.staff.services import CERTIFICATE_SUMMARY

DATE = forms.DateInput(attrs={"type": "date"})


class QualificationForm(forms.ModelForm):
    certificate_upload = forms.FileField(
        label="Certificate",
        required=False,
        help_text=f"Optional: {CERTIFICATE_SUMMARY}, at most 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/*"}),
    )

    class Meta:
        model = Qualification
        fields = ["kind", "title", "awarding_body", "achieved_on", "expires_on"]
        widgets = {"achieved_on": DATE, "expires_on": DATE}


class CompetenceStatementForm(forms.Form):
    standard = forms.ModelChoiceField(queryset=None, empty_label="Choose a standard")
    statement = forms.CharField(
        label="Occupational competence",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Your experience of the work this standard covers: roles, years, settings.",
    )

    def __init__(self, *args: Any, standards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards


class CpdEntryForm(forms.ModelForm):
    class Meta:
        model = CpdEntry
        fields = ["done_on", "activity", "hours", "reflection"]
        widgets = {
            "done_on": DATE,
            "reflection": forms.Textarea(attrs={"rows": 4}),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
        }


class ExpertWitnessForm(forms.ModelForm):
    class Meta:
        model = ExpertWitness
        fields = [
            "name",
            "email",
            "role",
            "occupational_competence",
            "relationship_rules",
            "is_active",
        ]
        widgets = {
            "occupational_competence": forms.Textarea(attrs={"rows": 4}),
            "relationship_rules": forms.Textarea(attrs={"rows": 3}),
        }


class StandardisationForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DATE)
    title = forms.CharField(max_length=200)
    participants = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple
    )
    discussed = forms.CharField(
        label="Evidence or decision discussed",
        required=False,
        max_length=300,
        help_text=(
            "Optional. Paste the link of an evidence item (…/evidence/123/) or give a "
            "decision's number from a learner's record (#45)."
        ),
    )
    outcomes = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = staff


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=500)
    owner = forms.ModelChoiceField(queryset=None, empty_label="Choose who does it")
    due_on = forms.DateField(label="Due date", widget=DATE)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff


class CloseActionForm(forms.Form):
    note = forms.CharField(label="What was done", max_length=500, required=False)


class ChooseAssessorForm(forms.Form):
    assessor = forms.ModelChoiceField(
        queryset=None, empty_label="Choose an assessor", label="Assessor observed"
    )

    def __init__(self, *args: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors


class EnrolmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enrolment) -> str:
        return f"{obj.learner.display_name}: {obj.standard.display_code}"


class ObservationForm(forms.ModelForm):
    enrolment = EnrolmentChoiceField(
        queryset=None, label="Learner being assessed", empty_label="Choose a learner"
    )

    class Meta:
        model = Observation
        fields = ["enrolment", "observed_on", "setting", "outcome", "feedback"]
        widgets = {"observed_on": DATE, "feedback": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, enrolments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments


def staff_label(user: User) -> str:
    roles = [r for f, r in (("is_assessor", "assessor"), ("is_iqa", "IQA")) if getattr(user, f)]
    return f"{user.display_name} ({', '.join(roles)})"
