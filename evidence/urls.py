from django.urls import path

from evidence import views

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
    path("<int:pk>/files/", views.file_upload, name="file_upload"),
    path("files/<int:pk>/delete/", views.file_delete, name="file_delete"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
    path("files/<int:pk>/view/", views.file_inline, name="file_inline"),
    path("files/<int:pk>/thumbnail/", views.file_thumbnail, name="file_thumbnail"),
]
