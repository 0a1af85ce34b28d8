from __future__ import annotations

from typing import Any

from django import forms

from review.status import EnrolmentState

MAX_WINDOW_DAYS = 3 * 366


class LearnersFilter(forms.Form):
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any state"), *EnrolmentState.choices],
    )
    overdue = forms.BooleanField(
        label="Only units still with the assessor past their target date", required=False
    )


class WindowForm(forms.Form):
    start = forms.DateField(
        label="Decisions from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("The start date must be on or before the end date.")
            if (end - start).days > MAX_WINDOW_DAYS:
                raise forms.ValidationError("Choose a window of at most three years.")
        return data


class RecordFilter(forms.Form):
    """The centre record page's filter: a kind of entry and a date range (both optional)."""

    kind = forms.ChoiceField(label="Kind of entry", required=False)
    start = forms.DateField(
        label="Recorded from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as a real date, like 2026-05-01."},
    )
    end = forms.DateField(
        label="Recorded up to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as a real date, like 2026-05-31."},
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every kind"), *kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start date must be on or before the end date.")
        return data
