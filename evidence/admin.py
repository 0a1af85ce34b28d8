"""Evidence is decision data: read-only here to everyone, superusers included. Items, files
and mappings change only through evidence.services and review, which write the record."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessments.admin import ReadOnlyAdmin
from evidence.models import EvidenceFile, EvidenceItem, Mapping


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    fields = ["original_name", "media_type", "kind", "size", "sha256", "is_witness_statement"]
    readonly_fields = fields
    extra = 0
    can_delete = False  # stored files are removed only through evidence.services

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "enrolment", "evidence_type", "status", "occurred_on"]
    list_filter = ["status", "evidence_type"]
    search_fields = ["title", "enrolment__learner__full_name"]
    inlines = [EvidenceFileInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "item", "media_type", "size", "uploaded_at"]
    list_select_related = ["item"]
    exclude = ["file", "thumbnail"]  # private storage has no URL; files are served by the portal


@admin.register(Mapping)
class MappingAdmin(ReadOnlyAdmin):
    list_display = ["item", "criterion", "proposed_by_learner", "confirmed", "method"]
    list_filter = ["confirmed", "proposed_by_learner"]
