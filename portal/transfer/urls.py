from django.urls import path

from portal.transfer import views

app_name = "transfer"

urlpatterns = [
    path("key/", views.public_key, name="public_key"),
    path("import/", views.import_package, name="import"),
    path("learners/<int:pk>/", views.history, name="history"),
    path(
        "learners/<int:pk>/enrolments/<int:enrolment_pk>/recognise/",
        views.recognise,
        name="recognise",
    ),
]
