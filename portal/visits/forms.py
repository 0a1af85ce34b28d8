"""Forms of the visit pages: they validate input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from portal.visits.models import Visit, VisitReport
from standards.models import Standard

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StandardChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Standard) -> str:
        return obj.display_name


class VisitForm(forms.Form):
    visit_on = forms.DateField(label="Date of the visit", widget=DATE)
    kind = forms.ChoiceField(
        label="Type of visit", choices=Visit.Kind.choices, widget=forms.RadioSelect
    )
    standards = StandardChoiceField(
        label="Standards in scope",
        queryset=Standard.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to look at every standard the centre assesses.",
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. “Annual monitoring visit: sampling of assessment and IQA decisions”.",
    )

    def __init__(self, *args: Any, standards: QuerySet[Standard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standards"].queryset = standards


class SampleSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a learner",
        max_length=100,
        required=False,
        help_text="Part of a learner's name or username, or a standard's code.",
    )


class SampleAddForm(forms.Form):
    enrolment = forms.IntegerField(min_value=1)


class ReportForm(forms.Form):
    findings = forms.CharField(
        label="Findings",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    strengths = forms.CharField(
        label="Strengths",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Not decided yet"), *VisitReport.Outcome.choices],
        required=False,
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        label="Action for the centre",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label="Due date", widget=DATE)


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label="Why is a new version needed?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RespondForm(forms.Form):
    text = forms.CharField(
        label="The centre's response",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the centre has done or will do, and where the EQA can see it.",
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("accept", "Accept the response and close the action"),
            ("ask_again", "Ask the centre again"),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="Note to the centre",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you ask again: what the centre still needs to do.",
    )
