from django.urls import path

from portal.staff import views

app_name = "staff"
urlpatterns = [
    path("<int:centre>/", views.home, name="home"),
    path("people/<int:pk>/", views.person, name="person"),
    path(
        "people/<int:pk>/qualifications/new/",
        views.qualification_create,
        name="qualification_create",
    ),
    path("qualifications/<int:pk>/edit/", views.qualification_edit, name="qualification_edit"),
    path(
        "qualifications/<int:pk>/delete/", views.qualification_delete, name="qualification_delete"
    ),
    path("qualifications/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("people/<int:pk>/competence/", views.statement_edit, name="statement_edit"),
    path("people/<int:pk>/cpd/new/", views.cpd_create, name="cpd_create"),
    path("cpd/<int:pk>/delete/", views.cpd_delete, name="cpd_delete"),
    path("<int:centre>/witnesses/", views.witnesses, name="witnesses"),
    path("<int:centre>/witnesses/new/", views.witness_create, name="witness_create"),
    path("witnesses/<int:pk>/edit/", views.witness_edit, name="witness_edit"),
    path("<int:centre>/standardisation/", views.standardisation_list, name="standardisation"),
    path(
        "<int:centre>/standardisation/new/",
        views.standardisation_create,
        name="standardisation_create",
    ),
    path(
        "standardisation/<int:pk>/",
        views.standardisation_detail,
        name="standardisation_detail",
    ),
    path(
        "standardisation/<int:pk>/actions/",
        views.standardisation_action_add,
        name="standardisation_action_add",
    ),
    path(
        "standardisation/actions/<int:pk>/close/",
        views.standardisation_action_close,
        name="standardisation_action_close",
    ),
    path("<int:centre>/observations/", views.observation_list, name="observations"),
    path("<int:centre>/observations/new/", views.observation_create, name="observation_create"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path(
        "observations/<int:pk>/acknowledge/",
        views.observation_acknowledge,
        name="observation_acknowledge",
    ),
    path("<int:centre>/reports/qualified/", views.report_qualified, name="report_qualified"),
    path(
        "<int:centre>/reports/qualified.csv",
        views.report_qualified_csv,
        name="report_qualified_csv",
    ),
    path("<int:centre>/reports/expiring/", views.report_expiring, name="report_expiring"),
    path(
        "<int:centre>/reports/expiring.csv", views.report_expiring_csv, name="report_expiring_csv"
    ),
]
