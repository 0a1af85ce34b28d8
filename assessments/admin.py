from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import CriterionJudgement, Enrolment, IqaSample, RecordEntry, UnitSignOff


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["learner", "standard", "centre", "assessor", "iqa", "status"]
    list_filter = ["centre", "status", "standard"]
    raw_id_fields = ["learner", "assessor", "iqa"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Decisions are made through the portal's services only, so they reach the record."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecordEntry)
class RecordEntryAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "centre", "recorded_at", "actor_name", "action", "enrolment"]
    list_filter = ["centre", "action"]
    list_select_related = ["centre", "enrolment__learner", "enrolment__standard"]


@admin.register(CriterionJudgement)
class CriterionJudgementAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "criterion", "met", "decided_by", "decided_at"]


@admin.register(UnitSignOff)
class UnitSignOffAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "assessor", "signed_at", "countersigned_at", "reopened_at"]


@admin.register(IqaSample)
class IqaSampleAdmin(ReadOnlyAdmin):
    list_display = ["entry", "outcome", "sampled_by", "sampled_at"]
