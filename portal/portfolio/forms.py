from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.portfolio.models import CODE_ALPHABET, PortfolioExport
from standards.formfields import ModelIdsField
from standards.models import Standard

COHORT_SCOPES = [
    (PortfolioExport.Scope.ASSESSOR, "All learners of an assessor"),
    (PortfolioExport.Scope.STANDARD, "All learners enrolled on a standard"),
    (PortfolioExport.Scope.COMPLETED, "All learners who have completed an enrolment"),
    (PortfolioExport.Scope.SELECTION, "The learners I select"),
]


class LearnerExportForm(forms.Form):
    """What to make of one learner's portfolio: the PDF (the default when nothing is posted)
    or the signed portable package another centre imports."""

    KINDS = {"pdf": PortfolioExport.Scope.LEARNER, "package": PortfolioExport.Scope.PACKAGE}

    kind = forms.ChoiceField(
        choices=[("pdf", "Portfolio (PDF)"), ("package", "Portable package (to move centre)")],
        required=False,
        error_messages={
            "invalid_choice": "Unknown kind of export: ask for pdf (the portfolio PDF) or "
            "package (the portable package for another centre)."
        },
    )

    def clean_kind(self) -> str:
        return self.KINDS[self.cleaned_data["kind"] or "pdf"]


class CohortForm(forms.Form):
    scope = forms.ChoiceField(choices=COHORT_SCOPES, widget=forms.RadioSelect, label="Export")
    assessor = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    standard = forms.ModelChoiceField(queryset=Standard.objects.none(), required=False)
    learners = ModelIdsField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.fields["assessor"].queryset = User.objects.filter(
            centre=centre, is_assessor=True
        ).order_by("full_name")
        self.fields["standard"].queryset = Standard.objects.filter(
            enrolments__centre=centre
        ).distinct()
        self.fields["learners"].queryset = User.objects.filter(
            centre=centre, is_learner=True
        ).order_by("full_name", "username")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        scope = data.get("scope")
        enrolments = Enrolment.objects.filter(centre=self.centre)
        if scope == PortfolioExport.Scope.ASSESSOR:
            if not data.get("assessor"):
                self.add_error("assessor", "Choose the assessor.")
                return data
            enrolments = enrolments.filter(assessor=data["assessor"])
            data["label"] = f"All learners of {data['assessor'].display_name}"
        elif scope == PortfolioExport.Scope.STANDARD:
            if not data.get("standard"):
                self.add_error("standard", "Choose the standard.")
                return data
            enrolments = enrolments.filter(standard=data["standard"])
            data["label"] = f"All learners on {data['standard']}"
        elif scope == PortfolioExport.Scope.COMPLETED:
            enrolments = enrolments.filter(status=Enrolment.Status.COMPLETED)
            data["label"] = "All learners who completed an enrolment"
        elif scope == PortfolioExport.Scope.SELECTION:
            if not data.get("learners"):
                self.add_error("learners", "Select at least one learner.")
                return data
            data["resolved"] = list(data["learners"])
            data["label"] = f"{len(data['resolved'])} selected learners"
            return data
        else:
            return data
        data["resolved"] = list(
            User.objects.filter(pk__in=enrolments.values("learner"), centre=self.centre)
        )
        if not data["resolved"]:
            raise forms.ValidationError("No learners match that choice.")
        return data


CODE_CHARS = re.compile(f"[{CODE_ALPHABET}]{{12}}")


def normalise_code(value: str) -> str:
    """``pf-7kq2 m9xd-4hta``, ``PF7KQ2M9XD4HTA`` or ``7KQ2-M9XD-4HTA`` as ``PF-7KQ2-M9XD-4HTA``;
    "" if it cannot be a verification code."""
    chars = re.sub(r"[\s\-–]", "", value.upper())
    if len(chars) == 14 and chars.startswith("PF"):
        chars = chars[2:]
    if not CODE_CHARS.fullmatch(chars):
        return ""
    return f"PF-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


class VerifyForm(forms.Form):
    """Either the PDF or its verification code; the page's two buttons say which
    (``check`` is ``pdf`` or ``code``)."""

    code = forms.CharField(
        label="Verification code",
        required=False,
        max_length=40,
        help_text="As printed on the PDF's cover and at the foot of each page, like "
        "PF-7KQ2-M9XD-4HTA.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pdf = forms.FileField(label="Exported portfolio (PDF)", required=False)

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip()
        if not value:
            return ""
        code = normalise_code(value)
        if not code:
            raise forms.ValidationError(
                "That is not a verification code of this portal: it has PF and 12 letters "
                "and digits, like PF-7KQ2-M9XD-4HTA."
            )
        return code

    def clean_pdf(self) -> Any:
        upload = self.cleaned_data["pdf"]
        if upload is None:
            return None
        limit = settings.PORTFOLIO_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"That file is larger than {filesizeformat(limit)}, the most this page checks; "
                "give the centre the verification code printed in the PDF instead."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check = self.data.get("check")
        if check == "code" or (check != "pdf" and "code" in self.data and not self.files):
            data["check"] = "code"
            if not data.get("code") and "code" not in self.errors:
                self.add_error("code", "Enter the verification code printed in the PDF.")
        else:
            data["check"] = "pdf"
            if not data.get("pdf") and "pdf" not in self.errors:
                self.add_error("pdf", "Choose the exported PDF to verify.")
        return data
