from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from portal.accounts.models import User
from portal.centres.models import Centre


class ImportForm(forms.Form):
    learner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        help_text="The transferring learner, already added to this centre.",
    )
    package = forms.FileField(
        label="Portfolio package (ZIP)",
        help_text="The ZIP their previous centre exported. It is checked before anything is kept.",
    )

    def __init__(self, *args: Any, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = User.objects.filter(
            centre=centre, is_learner=True
        ).order_by("full_name", "username")

    def clean_package(self) -> Any:
        package = self.cleaned_data["package"]
        if package.size > settings.TRANSFER_MAX_PACKAGE_BYTES:
            raise forms.ValidationError(
                f"The package is larger than {settings.TRANSFER_MAX_PACKAGE_BYTES} bytes."
            )
        return package
