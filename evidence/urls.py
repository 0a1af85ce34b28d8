from django.urls import path

from evidence import review, views

app_name = "evidence"

urlpatterns = [
    path("", views.evidence_list, name="list"),
    path("add/", views.evidence_create, name="create"),
    path("<int:pk>/", views.evidence_detail, name="detail"),
    path("<int:pk>/edit/", views.evidence_edit, name="edit"),
    path("<int:pk>/mapping/", views.evidence_mapping, name="mapping"),
    path("<int:pk>/submit/", views.evidence_submit, name="submit"),
    path("<int:pk>/delete/", views.evidence_delete, name="delete"),
    path("<int:pk>/files/", views.file_upload, name="file_upload"),
    path("files/<int:pk>/delete/", views.file_delete, name="file_delete"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
    path("files/<int:pk>/view/", views.file_inline, name="file_inline"),
    path("files/<int:pk>/thumbnail/", views.file_thumbnail, name="file_thumbnail"),
    # The assessor's review, the mapping grid (everyone's progress view), sign-off.
    path("<int:pk>/review/", review.review, name="review"),
    path("<int:pk>/review/decide/", review.review_decide, name="review_decide"),
    path("<int:pk>/review/mappings/", review.review_mapping, name="review_mapping"),
    path("enrolments/<int:pk>/grid/", review.grid, name="grid"),
    path(
        "enrolments/<int:pk>/grid/<int:item_pk>/<int:criterion_pk>/",
        review.grid_toggle,
        name="grid_toggle",
    ),
    path(
        "enrolments/<int:pk>/grid/<int:item_pk>/<int:criterion_pk>/equivalents/",
        review.map_equivalents,
        name="map_equivalents",
    ),
    path("enrolments/<int:pk>/criteria/<int:criterion_pk>/judge/", review.judge, name="judge"),
    path("enrolments/<int:pk>/sign-off/", review.sign_off, name="sign_off"),
]
