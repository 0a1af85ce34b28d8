from django.urls import path

from portal.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.export_list, name="exports"),
    path("learners/<int:pk>/export/", views.export_learner, name="export_learner"),
    path("cohort/", views.export_cohort, name="export_cohort"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export_retry"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("verify/", views.verify, name="verify"),
]
