from django.urls import path

from portal.privacy import retention_views, views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.privacy_notice, name="notice"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("centre/data-protection/", views.data_protection, name="data_protection"),
    path(
        "centre/data-protection/subject-access/<int:pk>/",
        views.subject_export_detail,
        name="subject_export_detail",
    ),
    path(
        "centre/data-protection/subject-access/<int:pk>/status/",
        views.subject_export_status,
        name="subject_export_status",
    ),
    path(
        "centre/data-protection/subject-access/<int:pk>/download/",
        views.subject_export_download,
        name="subject_export_download",
    ),
    path("centre/data-protection/retention/", views.retention_report, name="retention"),
    path("centre/people/<int:pk>/erase/", views.learner_erase, name="erase"),
    path(
        "centre/data-protection/evidence-retention/",
        retention_views.evidence_retention,
        name="evidence_retention",
    ),
    path(
        "centre/data-protection/evidence-retention/<int:pk>/keep/",
        retention_views.evidence_retain,
        name="evidence_retain",
    ),
    path(
        "centre/data-protection/evidence-retention/<int:pk>/dispose/",
        retention_views.evidence_dispose,
        name="evidence_dispose",
    ),
]
