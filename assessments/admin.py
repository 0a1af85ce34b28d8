"""The admin site is for platform operators (superusers) only.

Decision data (judgements, sign-offs, IQA samples, reopen requests, the record; evidence in
its own app) is read-only here to everyone: decisions are made through the services, which
write the record. Every change made here to other data writes an ``ADMIN_CHANGE`` entry in
the record of the object's centre (``RecordedAdmin``); an object with no centre cannot be
recorded, so it cannot be changed here either.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from assessments.errors import constraint_message
from assessments.models import (
    CriterionJudgement,
    Enrolment,
    IqaSample,
    RecordEntry,
    ReopenRequest,
    UnitSignOff,
)
from assessments.services import record_append

# Fields whose values never reach the record (only that they changed).
HIDDEN_VALUES = ("password",)


def _plain(value: Any) -> Any:
    """A value the record's JSON payload can hold and hash the same way every time."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class RecordedAdmin(admin.ModelAdmin):
    """Every add, change and delete writes an ``ADMIN_CHANGE`` record entry, in the admin's
    transaction: with the enrolment for an enrolment, else with the object's centre.

    ``record_target`` names where an object is recorded; an object without one is read-only.
    Payload: model, object id, ``str(obj)``, added/changed/deleted, and the changed fields
    with old and new values (names only for passwords and many-to-many fields).
    """

    def record_target(self, obj: Any) -> tuple[Enrolment | None, int | None]:
        """(enrolment, centre id) to record a change of ``obj`` under; (None, None) if none."""
        return None, getattr(obj, "centre_id", None)

    def _recordable(self, obj: Any) -> bool:
        enrolment, centre_id = self.record_target(obj)
        return enrolment is not None or centre_id is not None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self._recordable(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self._recordable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def record_admin_change(
        self,
        request: HttpRequest,
        obj: Any,
        change: str,
        fields: list[dict[str, Any]],
        target: tuple[Enrolment | None, int | None] | None = None,
    ) -> None:
        enrolment, centre_id = target or self.record_target(obj)
        if enrolment is None and centre_id is None:
            raise PermissionDenied("This object has no centre to record the change in.")
        record_append(
            enrolment=enrolment,
            centre_id=centre_id,
            actor=request.user,
            action=RecordEntry.Action.ADMIN_CHANGE,
            payload={
                "model": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object": str(obj),
                "change": change,
                "fields": fields,
            },
        )

    def _changed_fields(self, old: Model | None, obj: Model, form: ModelForm) -> list[dict]:
        concrete = {f.name: f for f in obj._meta.concrete_fields}
        fields: list[dict[str, Any]] = []
        for name in form.changed_data:
            field = concrete.get(name)
            if field is None or any(hidden in name for hidden in HIDDEN_VALUES):
                fields.append({"field": name})
                continue
            fields.append(
                {
                    "field": name,
                    "old": _plain(field.value_from_object(old)) if old is not None else None,
                    "new": _plain(field.value_from_object(obj)),
                }
            )
        return fields

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A save the form's own checks let through but the database refuses (two operators
        activating the same enrolment at once) is rolled back and reported, not a 500."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            reason = constraint_message(self.model, error) or (
                "it conflicts with another record (a database constraint refused it)."
            )
            self.message_user(request, f"Nothing was saved: {reason}", level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        old = self.model._default_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        fields = self._changed_fields(old, obj, form)
        self.record_admin_change(request, obj, "changed" if change else "added", fields)
        old_target = self.record_target(old) if old is not None else None
        if old_target and old_target != self.record_target(obj) and old_target[1] is not None:
            # Moved to another centre: the centre it left records the change as well.
            self.record_admin_change(request, obj, "changed", fields, target=old_target)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.record_admin_change(request, obj, "deleted", [])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.record_admin_change(request, obj, "deleted", [])
        super().delete_queryset(request, queryset)


@admin.register(Enrolment)
class EnrolmentAdmin(RecordedAdmin):
    list_display = ["learner", "standard", "centre", "assessor", "iqa", "status"]
    list_filter = ["centre", "status", "standard"]
    raw_id_fields = ["learner", "assessor", "iqa"]

    def record_target(self, obj: Any) -> tuple[Enrolment | None, int | None]:
        return obj, None


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


@admin.register(ReopenRequest)
class ReopenRequestAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "criterion", "requested_by", "requested_at", "resolved_at"]
