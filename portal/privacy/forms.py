from __future__ import annotations

from typing import Any

from django import forms

from portal.centres.models import Centre
from portal.privacy.access import people_for_subject_access


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class SubjectAccessForm(forms.Form):
    person = PersonChoiceField(
        queryset=None,
        label="Person",
        help_text="Everyone of your centre: learners and staff, active or not.",
    )

    def __init__(self, *args: Any, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_for_subject_access(centre)  # type: ignore[attr-defined]


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that this cannot be undone.",
        error_messages={"required": "Tick the box to confirm that this cannot be undone."},
    )
