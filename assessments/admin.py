from django.contrib import admin

from assessments.models import Enrolment


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["learner", "standard", "centre", "assessor", "iqa", "status"]
    list_filter = ["centre", "status", "standard"]
    raw_id_fields = ["learner", "assessor", "iqa"]
