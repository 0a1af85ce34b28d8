from django.urls import path

from review import views

app_name = "review"

# The assessor's review of an item, the mapping grid (everyone's progress view), judgements
# and sign-off. The paths stay under /evidence/, where they were first published.
urlpatterns = [
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/decide/", views.review_decide, name="review_decide"),
    path("<int:pk>/review/mappings/", views.review_mapping, name="review_mapping"),
    path("enrolments/<int:pk>/grid/", views.grid, name="grid"),
    path(
        "enrolments/<int:pk>/grid/<int:item_pk>/<int:criterion_pk>/",
        views.grid_toggle,
        name="grid_toggle",
    ),
    path(
        "enrolments/<int:pk>/grid/<int:item_pk>/<int:criterion_pk>/equivalents/",
        views.map_equivalents,
        name="map_equivalents",
    ),
    path("enrolments/<int:pk>/criteria/<int:criterion_pk>/judge/", views.judge, name="judge"),
    path("enrolments/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
]
