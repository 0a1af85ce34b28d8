from django.urls import path

from portal.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:centre>/", views.index, name="index"),
    path("<int:centre>/learners/", views.learners, name="learners"),
    path("<int:centre>/learners.csv", views.learners_csv, name="learners_csv"),
    path("<int:centre>/caseloads/", views.caseloads, name="caseloads"),
    path("<int:centre>/record/", views.record, name="record"),
    path("<int:centre>/caseloads.csv", views.caseloads_csv, name="caseloads_csv"),
]
