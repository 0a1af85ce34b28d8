"""Form fields every app shares (standards is the bottom layer, so all may import it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

#: The largest primary key a BigAutoField holds, on every supported database.
MAX_ID = 2**63 - 1


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids no database column can hold.

    Django's own field passes a 31-digit id to ``pk__in``, where SQLite raises
    OverflowError and PostgreSQL a DataError: a 500 from one edited checkbox value. Here
    such a value is an ordinary "not one of the available choices" error.
    """

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20] + "…"},
                )
        return super()._check_values(value)
