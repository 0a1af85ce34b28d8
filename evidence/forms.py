"""Forms for evidence pages. They validate only; the views call services to write."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import Enrolment
from evidence.models import EvidenceItem, WitnessRequest
from evidence.services import ITEM_FIELDS
from standards.formfields import ModelIdsField
from standards.models import Criterion

WITNESS_FIELDS = ("witness_name", "witness_role", "witness_relationship")


class EnrolmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enrolment) -> str:
        return f"{obj.standard.display_name}"


class MoveForm(forms.Form):
    """Where a draft goes: another of the learner's open enrolments."""

    enrolment = EnrolmentChoiceField(
        queryset=Enrolment.objects.none(),
        label="Move this draft to",
        empty_label=None,
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = targets


class EvidenceItemForm(forms.ModelForm):
    """Create (with the enrolment) or edit an item's details."""

    class Meta:
        model = EvidenceItem
        fields = list(ITEM_FIELDS)  # exactly what evidence_create/evidence_update accept
        labels = {
            "occurred_on": "Date",
            "evidence_type": "Type of evidence",
            "description": "Description or reflective account",
            "witness_name": "Witness's name",
            "witness_role": "Witness's role",
            "witness_relationship": "Relationship to you",
            "witness_contact": "Witness's contact details",
            "witness_statement": "Witness's statement (typed)",
        }
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 8}),
            "witness_statement": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(
        self, *args: Any, enrolments: QuerySet[Enrolment] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = (
            "What you did and how it shows your competence. Plain text: leave a blank line "
            "between paragraphs."
        )
        if enrolments is not None:
            self.fields = {
                "enrolment": EnrolmentChoiceField(
                    queryset=enrolments,
                    label="Standard",
                    empty_label=None if enrolments.count() == 1 else "Choose a standard",
                ),
                **self.fields,
            }

    def clean_occurred_on(self) -> datetime.date:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return occurred_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("evidence_type") == EvidenceItem.Type.WITNESS:
            for field in WITNESS_FIELDS:
                if not (data.get(field) or "").strip() and field not in self.errors:
                    label = self.fields[field].label.lower()
                    self.add_error(field, f"Give the {label} for witness testimony.")
        return data

    def _post_clean(self) -> None:
        # Model-level rules (the witness statement at submission) are the service's to check.
        pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class FileUploadForm(forms.Form):
    file = MultipleFileField(
        label="Choose files",
        error_messages={
            "required": "Choose at least one file to upload.",
            "empty": ("This file is empty (0 bytes); choose the file again or pick another."),
        },
    )
    is_witness_statement = forms.BooleanField(
        required=False, label="These files are the witness's signed statement"
    )


class MappingForm(forms.Form):
    criteria = ModelIdsField(
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Criteria and knowledge this evidence covers",
    )

    def __init__(self, *args: Any, criteria: QuerySet[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label=(
            "I declare that this evidence is my own work, that it is true and accurate, and "
            "that any other person's contribution is clearly shown."
        ),
        error_messages={"required": "Tick the declaration to submit your evidence."},
    )
    declaration_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Type your full name as it appears on your account. This is your e-signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args: Any, learner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.learner = learner

    def clean_declaration_name(self) -> str:
        typed = " ".join(self.cleaned_data["declaration_name"].split())
        expected = " ".join((self.learner.full_name or self.learner.username).split())
        if typed.casefold() != expected.casefold():
            raise forms.ValidationError(
                "The name must match the name on your account exactly (capitals aside)."
            )
        return typed


# Beyond this many visible enrolments the filter lists only the one asked for.
ENROLMENTS_LISTED = 100


class EvidenceFilterForm(forms.Form):
    enrolment = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    evidence_type = forms.ChoiceField(
        required=False,
        label="Type",
        choices=[("", "Any type"), *EvidenceItem.Type.choices],
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *EvidenceItem.Status.choices]
    )
    q = forms.CharField(required=False, label="Search", max_length=100)

    def __init__(
        self, *args: Any, enrolments: QuerySet[Enrolment], user: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "All standards")]
        listed = list(enrolments.select_related("standard", "learner")[: ENROLMENTS_LISTED + 1])
        if len(listed) > ENROLMENTS_LISTED:
            # Too many to offer as a list (a centre admin's or EQA's hundreds): offer only
            # the one asked for, which a learner's links (caseload, visits) put in the URL.
            asked = str(self.data.get("enrolment") or "")
            listed = (
                list(enrolments.select_related("standard", "learner").filter(pk=int(asked)))
                if asked.isdigit()
                else []
            )
            self.fields[
                "enrolment"
            ].help_text = "Too many learners to list here: search by title or reference instead."
        for enrolment in listed:
            label = f"{enrolment.standard.display_name}"
            if enrolment.learner_id != user.pk:
                label = f"{enrolment.learner.display_name}: {label}"
            choices.append((str(enrolment.pk), label))
        self.fields["enrolment"].choices = choices
        self.fields["enrolment"].label = "Standard"


class AcknowledgeForm(forms.Form):
    """The learner's acknowledgement of their assessor's record, signed with their name."""

    confirm = forms.BooleanField(
        label=(
            "I have read this record. It is a true account of what I did, and I agree it is "
            "used as evidence of my competence."
        ),
        error_messages={"required": "Tick the box to acknowledge the record."},
    )
    acknowledgement_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Type your full name as it appears on your account. This is your e-signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class WitnessRequestForm(forms.ModelForm):
    class Meta:
        model = WitnessRequest
        fields = [
            "witness_name",
            "witness_role",
            "witness_relationship",
            "competence",
            "email",
            "activity",
        ]
        widgets = {
            "competence": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "witness_role": "Their job title, e.g. 'Registered manager'.",
            "witness_relationship": "How they know the learner's work, e.g. 'line manager'.",
        }

    def _post_clean(self) -> None:
        # The service validates the request it builds (nonce, expiry) with full_clean().
        pass


class WitnessStatementForm(forms.Form):
    """What the witness writes and signs on the public page: bounded in size."""

    occurred_on = forms.DateField(
        label="When did you see this work?",
        help_text="The date, or the last date if you saw it over a period.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    statement = forms.CharField(
        label="Your statement",
        max_length=10_000,
        help_text=(
            "Describe what you saw the learner do, where and when, and how well they did it. "
            "Plain text, at most 10,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": 10_000}),
    )
    confirm = forms.BooleanField(
        label=(
            "I confirm that this statement is true, that it is my own account of the "
            "learner's work, and that I am competent in this occupation as described."
        ),
        error_messages={"required": "Tick the box to sign the statement."},
    )
    signed_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Type your full name. This is your signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
