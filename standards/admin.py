"""Standards are global reference data: read-only here, to superusers too.

They belong to no centre, so a change here could not be written to any centre's record;
they change only through the import service (``manage.py import_standard``, the import page)
and supplied texts through the corrections page, which keep their own history.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from standards.models import Criterion, CriterionGroup, EquivalenceGroup, Standard, TextCorrection


class ReferenceDataAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Standard)
class StandardAdmin(ReferenceDataAdmin):
    list_display = ["code", "title", "version", "slug"]
    search_fields = ["code", "title"]
    inlines = [CriterionGroupInline]


@admin.register(Criterion)
class CriterionAdmin(ReferenceDataAdmin):
    list_display = ["standard", "reference", "kind", "text_status"]
    list_filter = ["standard", "kind", "text_status"]
    search_fields = ["text", "reference"]


@admin.register(TextCorrection)
class TextCorrectionAdmin(ReferenceDataAdmin):
    list_display = ["criterion", "supplied_by", "supplied_at", "source"]


@admin.register(EquivalenceGroup)
class EquivalenceGroupAdmin(ReferenceDataAdmin):
    list_display = ["key", "kind", "match", "similarity"]
    filter_horizontal = ["criteria"]
