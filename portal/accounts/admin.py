"""People in the admin site (platform operators only): every change is recorded in the
person's centre's record. A person with no centre (an external quality assurer, an operator)
cannot be recorded in any centre's record, so is read-only here."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from assessments.admin import RecordedAdmin
from portal.accounts.models import User

admin.site.unregister(Group)  # roles are flags on the user; groups are not used


@admin.register(User)
class UserAdmin(RecordedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "email", "centre", "is_active", "is_superuser"]
    list_filter = [
        "centre",
        "is_active",
        "is_learner",
        "is_assessor",
        "is_iqa",
        "is_centre_admin",
        "is_eqa",
    ]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["full_name", "email", "centre"]}),
        (
            "Roles",
            {"fields": ["is_learner", "is_assessor", "is_iqa", "is_centre_admin", "is_eqa"]},
        ),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "email", "centre", "password1", "password2"],
            },
        ),
    ]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if "centre" in form.base_fields:
            # The centre whose record the change is written to.
            form.base_fields["centre"].required = True
        return form

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():  # the new password and its record entry, or neither
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        if request.resolver_match and request.resolver_match.url_name.endswith("password_change"):
            self.record_admin_change(request, obj, "changed", [{"field": "password"}])
        return entry
