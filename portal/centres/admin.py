"""Centres and EQA grants in the admin site: every change is written to the centre's record."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessments.admin import RecordedAdmin
from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre, EqaGrant


@admin.register(Centre)
class CentreAdmin(RecordedAdmin):
    list_display = ["name", "time_zone", "created_at"]
    search_fields = ["name"]

    def record_target(self, obj: Any) -> tuple[Enrolment | None, int | None]:
        return None, obj.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a centre's record is kept for good, so the centre is too


@admin.register(EqaGrant)
class EqaGrantAdmin(RecordedAdmin):
    list_display = ["user", "centre", "granted_at", "expires_on"]
    list_filter = ["centre"]
    autocomplete_fields = ["centre"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # noqa: ANN001, ANN003, ANN201 - Django admin hook
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_eqa=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
