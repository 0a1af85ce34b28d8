from django.contrib import admin

from evidence.models import EvidenceFile, EvidenceItem, Mapping


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    fields = ["original_name", "media_type", "kind", "size", "sha256", "is_witness_statement"]
    readonly_fields = fields
    extra = 0
    can_delete = False  # stored files are removed only through evidence.services


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "enrolment", "evidence_type", "status", "occurred_on"]
    list_filter = ["status", "evidence_type"]
    search_fields = ["title", "enrolment__learner__full_name"]
    readonly_fields = ["reference", "declaration_name", "declared_at", "submitted_at"]
    inlines = [EvidenceFileInline]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    list_display = ["item", "criterion", "proposed_by_learner", "confirmed", "method"]
    list_filter = ["confirmed", "proposed_by_learner"]
