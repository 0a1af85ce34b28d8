"""Standards are reference data: read-only here, to superusers too.

They change only through the import service (``manage.py import_standard`` for official
standards, the import page for a centre's own) and supplied texts through the corrections
page, which keep their own history. The one change made here is publishing a centre's own
standard to every centre (or withdrawing it), logged in the admin's history.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from standards.models import Criterion, CriterionGroup, EquivalenceGroup, Standard, TextCorrection
from standards.services import standard_publish


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
    list_display = ["code", "title", "version", "slug", "owner_centre", "published"]
    list_filter = ["published", ("owner_centre", admin.EmptyFieldListFilter)]
    search_fields = ["code", "title"]
    inlines = [CriterionGroupInline]
    actions = ["publish", "withdraw"]

    @admin.action(description="Publish the selected centres' standards to every centre")
    def publish(self, request: HttpRequest, queryset: QuerySet[Standard]) -> None:
        self._set_published(request, queryset, published=True)

    @admin.action(description="Withdraw the selected standards to their own centres")
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Standard]) -> None:
        self._set_published(request, queryset, published=False)

    def _set_published(
        self, request: HttpRequest, queryset: QuerySet[Standard], *, published: bool
    ) -> None:
        changed, official = 0, 0
        for standard in queryset:
            if standard.owner_centre_id is None:
                official += 1
                continue
            standard_publish(standard=standard, published=published)
            self.log_change(request, standard, "Published" if published else "Withdrawn")
            changed += 1
        state = "published to every centre" if published else "withdrawn to their centres"
        self.message_user(request, f"{changed} standard(s) {state}.")
        if official:
            self.message_user(
                request,
                f"{official} official standard(s) left as they are: every centre has them.",
                level=messages.WARNING,
            )


@admin.register(Criterion)
class CriterionAdmin(ReferenceDataAdmin):
    list_display = ["standard", "reference", "kind", "text_status"]
    list_filter = ["standard", "kind", "text_status"]
    search_fields = ["text", "reference"]


@admin.register(TextCorrection)
class TextCorrectionAdmin(ReferenceDataAdmin):
    list_display = ["criterion", "centre", "supplied_by", "supplied_at", "source"]


@admin.register(EquivalenceGroup)
class EquivalenceGroupAdmin(ReferenceDataAdmin):
    list_display = ["key", "kind", "match", "similarity"]
    filter_horizontal = ["criteria"]
