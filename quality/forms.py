"""Forms of the quality pages: they validate input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from assessments.models import RecordEntry
from assessments.record import describe_entry
from evidence.models import EvidenceItem, Mapping
from quality.models import Risk, RiskReason, UnitSample
from review.sampling import SAMPLEABLE_ACTIONS
from standards.models import Criterion, Standard

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    standard = forms.ModelChoiceField(
        queryset=Standard.objects.none(),
        required=False,
        empty_label="Every standard the assessor assesses",
        help_text="A plan for one standard takes precedence over the overall plan.",
    )
    risk = forms.ChoiceField(
        label="Risk rating",
        choices=Risk.choices,
        widget=forms.RadioSelect,
        help_text="Sets the sampling rate: low 10%, medium 25%, high 50% of units.",
    )
    risk_reasons = forms.MultipleChoiceField(
        label="Why this rating",
        choices=RiskReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    interim_planned = forms.IntegerField(
        label="Interim samples planned", min_value=0, max_value=500
    )
    summative_planned = forms.IntegerField(
        label="Summative samples planned", min_value=0, max_value=500
    )
    methods = forms.MultipleChoiceField(
        label="Assessment methods to cover",
        choices=Mapping.Method.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence_types = forms.MultipleChoiceField(
        label="Evidence types to cover",
        choices=EvidenceItem.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    locations = forms.CharField(
        label="Locations to cover",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One workplace or site per line, as learners name it in their evidence.",
    )
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, standards: QuerySet[Standard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards


class DecisionFilterForm(forms.Form):
    action = forms.ChoiceField(label="Decision type", required=False)
    assessor = forms.ModelChoiceField(queryset=None, required=False, empty_label="All assessors")
    learner = forms.CharField(
        label="Learner's name", required=False, max_length=100, help_text="Part of the name."
    )
    standard = forms.ModelChoiceField(queryset=None, required=False, empty_label="All standards")
    method = forms.ChoiceField(label="Method used in the unit", required=False)
    sampled = forms.ChoiceField(
        label="Sampled",
        required=False,
        choices=[("", "Either"), ("no", "Not yet sampled"), ("yes", "Sampled")],
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)

    def __init__(
        self, *args: Any, assessors: QuerySet[Any], standards: QuerySet[Standard], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(RecordEntry.Action.choices)
        self.fields["action"].choices = [("", "Every type")] + [
            (a, labels[a]) for a in SAMPLEABLE_ACTIONS
        ]
        self.fields["assessor"].queryset = assessors
        self.fields["assessor"].label_from_instance = lambda u: u.display_name
        self.fields["standard"].queryset = standards
        self.fields["method"].choices = [("", "Any method"), *Mapping.Method.choices]


class SampleForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect)
    feedback = forms.CharField(
        label="Feedback to the assessor",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when referring back.",
    )
    decisions = forms.ModelMultipleChoiceField(
        label="Decisions in this sample",
        queryset=RecordEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        outcomes: list[tuple[str, str]],
        decisions: QuerySet[RecordEntry] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes
        if decisions is None:
            del self.fields["decisions"]
        else:
            self.fields["decisions"].queryset = decisions
            self.fields["decisions"].label_from_instance = describe_entry


class ReferralForm(forms.Form):
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(), required=False, empty_label="No criterion"
    )
    feedback = forms.CharField(
        label="What to put right", required=False, max_length=2000, widget=forms.TextInput
    )

    def __init__(self, *args: Any, criteria: QuerySet[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].label_from_instance = lambda c: f"{c.reference}: {c.text[:80]}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("criterion") and not data.get("feedback", "").strip():
            self.add_error("feedback", "Say what to put right for this criterion.")
        return data


class ActionForm(forms.Form):
    text = forms.CharField(label="Action for the assessor", required=False, max_length=2000)
    due_on = forms.DateField(label="Due by", required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("text", "").strip() and not data.get("due_on"):
            self.add_error("due_on", "Give the action a due date.")
        return data


class AnswerForm(forms.Form):
    response = forms.CharField(
        label="Your response", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="What is still missing", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


REFERRAL_ROWS = 3
ACTION_ROWS = 2
KIND_LABELS = dict(UnitSample.Kind.choices)
