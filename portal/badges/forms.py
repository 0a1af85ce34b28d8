"""The verification form: a pasted badge or an uploaded file, bounded in size."""

from __future__ import annotations

from django import forms

from portal.badges.verify import MAX_BYTES


class VerifyForm(forms.Form):
    token = forms.CharField(
        label="Paste the badge (VC-JWT or JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        max_length=MAX_BYTES,
    )
    file = forms.FileField(
        label="Or choose the badge file (.jwt or .json, at most 64 KB)", required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError("The file is larger than 64 KB: it is not a badge.")
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise forms.ValidationError("The file is not text: it is not a badge.") from error
        elif data.get("token"):
            data["text"] = data["token"]
        elif not self.errors:
            raise forms.ValidationError("Paste a badge or choose its file.")
        return data
