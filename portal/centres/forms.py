from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre
from standards.access import standards_visible_to_centre


class PersonForm(forms.ModelForm):
    """Create or edit a person of the admin's centre."""

    initial_password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=(
            "Optional. Leave blank to email the person a link to choose their own password "
            "(needs an email address)."
        ),
    )

    class Meta:
        model = User
        fields = [
            "full_name",
            "username",
            "email",
            "is_learner",
            "is_assessor",
            "is_iqa",
            "is_centre_admin",
        ]
        help_texts = {"username": "Used to log in. Letters, digits and @/./+/-/_ only."}

    def __init__(self, *args: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.fields["full_name"].required = True
        self.fields["your_password"] = forms.CharField(
            required=False,
            label="Your password",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            help_text=(
                "Needed only to give someone a staff role (assessor, IQA, centre admin): "
                "type your own password again."
                if creating
                else "Needed only to change roles: type your own password again."
            ),
        )
        if not creating:
            del self.fields["initial_password"]
            self.fields["username"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        roles = [data.get(f) for f in ("is_learner", "is_assessor", "is_iqa", "is_centre_admin")]
        if not any(roles):
            raise forms.ValidationError("Choose at least one role.")
        if self.creating and not data.get("initial_password") and not data.get("email"):
            raise forms.ValidationError(
                "Give an email address to send an invitation, or set an initial password."
            )
        password = data.get("initial_password")
        if password:
            probe = User(username=data.get("username", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("initial_password", error)
        return data


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["learner", "standard", "assessor", "iqa", "start_date", "target_end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "target_end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, centre: Centre, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = User.objects.filter(centre=centre, is_active=True)
        self.fields["learner"].queryset = active.filter(is_learner=True)
        self.fields["assessor"].queryset = active.filter(is_assessor=True)
        self.fields["iqa"].queryset = active.filter(is_iqa=True)
        self.fields["standard"].queryset = standards_visible_to_centre(centre.pk)
        if not creating:
            self.fields["learner"].disabled = True
            self.fields["standard"].disabled = True
            self.fields["status"] = forms.ChoiceField(choices=Enrolment.Status.choices)
            self.fields["status"].initial = self.instance.status

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("target_end_date")
        if start and end and end < start:
            self.add_error("target_end_date", "The target end date must be on or after the start.")
        learner, standard = data.get("learner"), data.get("standard")
        if learner and data.get("iqa") and data.get("iqa") == data.get("assessor"):
            self.add_error("iqa", "The IQA must be someone other than the assessor.")
        if learner and learner in (data.get("assessor"), data.get("iqa")):
            self.add_error(None, "A learner cannot assess or quality-assure their own work.")
        if self.instance.pk is None and learner and standard:
            clash = Enrolment.objects.filter(
                learner=learner, standard=standard, status=Enrolment.Status.ACTIVE
            )
            if clash.exists():
                self.add_error("standard", "This learner already has an active enrolment on it.")
        return data


class PeopleFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search by name, username or email")
    role = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any role"),
            ("learner", "Learners"),
            ("assessor", "Assessors"),
            ("iqa", "IQAs"),
            ("admin", "Centre admins"),
            ("inactive", "Deactivated"),
        ],
    )


class CentreSecurityForm(forms.Form):
    require_staff_2fa = forms.BooleanField(
        required=False,
        label="Require two-factor log-in for assessors, IQAs and centre admins",
        help_text=(
            "Each of them sets up an authenticator app at their next log-in and gives a code "
            "from it every time they log in. Learners are not asked."
        ),
    )
    your_password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Type your own password again to change this setting.",
    )
