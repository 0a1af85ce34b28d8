from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from standards.importer import MAX_FILE_BYTES
from standards.models import Standard, TextCorrection


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search criteria and knowledge items: words, or a reference such as K12",
        max_length=200,
        required=False,
    )
    standard = forms.ModelChoiceField(
        label="In",
        queryset=Standard.objects.order_by("code", "title", "version"),
        to_field_name="slug",
        required=False,
        empty_label="All standards",
    )

    def __init__(self, *args: Any, standards: QuerySet[Standard], **kwargs: Any) -> None:
        """``standards``: those the user may read (``standards.access.standards_for``)."""
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards.order_by("code", "title", "version")
        self.fields["standard"].label_from_instance = _standard_label

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


def _standard_label(standard: Standard) -> str:
    version = f" (version {standard.version})" if standard.version else ""
    return (
        f"{standard.code}: {standard.title}{version}" if standard.code else standard.title + version
    )


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = TextCorrection
        fields = ["text", "source"]
        labels = {"text": "Text of the criterion", "source": "Where the text comes from"}
        help_texts = {
            "text": "The full wording, copied exactly from the source you name below.",
            "source": "For example: the awarding body's PDF of the standard, version 2, page 4.",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Standards file (JSON)",
        help_text="Our own format (described in docs/standard-format.md) or a CASE 1.0 "
        "package (CFPackage JSON). At most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    replace = forms.BooleanField(
        label="Replace a standard with the same slug, or the same code and version",
        required=False,
        help_text="Only possible while no learner is enrolled on the standard being replaced.",
    )

    def clean_file(self) -> bytes:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_FILE_BYTES:
            size = upload.size / (1024 * 1024)
            raise forms.ValidationError(
                f"The file is {size:.1f} MB; at most 5 MB can be imported at once. "
                "Split it into one file per standard."
            )
        return upload.read()
