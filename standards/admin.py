from django.contrib import admin

from standards.models import Criterion, CriterionGroup, EquivalenceGroup, Standard, TextCorrection


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "version", "slug"]
    search_fields = ["code", "title"]
    inlines = [CriterionGroupInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["standard", "reference", "kind", "text_status"]
    list_filter = ["standard", "kind", "text_status"]
    search_fields = ["text", "reference"]


@admin.register(TextCorrection)
class TextCorrectionAdmin(admin.ModelAdmin):
    list_display = ["criterion", "supplied_by", "supplied_at", "source"]


@admin.register(EquivalenceGroup)
class EquivalenceGroupAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "match", "similarity"]
    filter_horizontal = ["criteria"]
