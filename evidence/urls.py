from django.urls import path

from evidence import resumable_views, version_views, views, witness_views

app_name = "evidence"

urlpatterns = [
    path("", views.evidence_list, name="list"),
    path("add/", views.evidence_create, name="create"),
    path("<int:pk>/", views.evidence_detail, name="detail"),
    path("<int:pk>/edit/", views.evidence_edit, name="edit"),
    path("<int:pk>/mapping/", views.evidence_mapping, name="mapping"),
    path("<int:pk>/submit/", views.evidence_submit, name="submit"),
    path("<int:pk>/delete/", views.evidence_delete, name="delete"),
    path("<int:pk>/move/", views.evidence_move, name="move"),
    path("<int:pk>/withdraw/", version_views.evidence_withdraw, name="withdraw"),
    path("<int:pk>/files/", views.file_upload, name="file_upload"),
    path("<int:pk>/uploads/", resumable_views.upload_start, name="upload_start"),
    path("uploads/<str:upload_id>/", resumable_views.upload, name="upload"),
    path("files/<int:pk>/delete/", views.file_delete, name="file_delete"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
    path("files/<int:pk>/view/", views.file_inline, name="file_inline"),
    path("files/<int:pk>/thumbnail/", views.file_thumbnail, name="file_thumbnail"),
    path("files/<int:pk>/preview/", views.file_preview, name="file_preview"),
    path("<int:pk>/acknowledge/", witness_views.evidence_acknowledge, name="acknowledge"),
    path("enrolments/<int:pk>/witness/", witness_views.witness_request, name="witness_request"),
    # The expert witness's public page: no account, reached only through the emailed link.
    path("witness/sent/", witness_views.witness_statement_sent, name="witness_statement_sent"),
    path("witness/<str:token>/", witness_views.witness_statement, name="witness_statement"),
]
