from __future__ import annotations

from django import forms

from portal.notifications.models import EmailChoice


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label="Email me about my notifications",
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
        help_text="Whatever you choose, every notification also shows here in the portal.",
    )
