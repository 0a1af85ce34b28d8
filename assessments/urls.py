from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("enrolments/<int:pk>/record/", views.record, name="record"),
]
