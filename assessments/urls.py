from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("enrolments/<int:pk>/countersign/", views.countersign, name="countersign"),
    path("enrolments/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("enrolments/<int:pk>/record/", views.record, name="record"),
    path("iqa/assessors/", views.iqa_assessors, name="iqa_assessors"),
    path("iqa/assessors/<int:pk>/", views.iqa_decisions, name="iqa_decisions"),
    path("iqa/decisions/<int:pk>/", views.iqa_sample, name="iqa_sample"),
]
