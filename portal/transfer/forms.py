from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.transfer.models import TransferredPortfolio
from standards.models import Criterion


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


class RecognitionForm(forms.Form):
    """Criteria of one unit to recognise from one transferred portfolio. It only binds the
    choices; ``prior_learning_recognise`` says what may be recognised, in its own words."""

    transfer = forms.ModelChoiceField(
        queryset=TransferredPortfolio.objects.none(), widget=forms.HiddenInput
    )
    criteria = forms.ModelMultipleChoiceField(
        queryset=Criterion.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    rationale = forms.CharField(required=False, widget=forms.Textarea)
    key_confirmed = forms.BooleanField(required=False)

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["transfer"].queryset = TransferredPortfolio.objects.filter(
            learner_id=enrolment.learner_id, centre_id=enrolment.centre_id
        )
        self.fields["criteria"].queryset = Criterion.objects.filter(
            standard_id=enrolment.standard_id
        )
