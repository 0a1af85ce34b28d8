from django.urls import path

from portal.visits import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("centres/<int:pk>/new/", views.visit_create, name="create"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/sample/", views.visit_sample, name="sample"),
    path("<int:pk>/sample/suggested/", views.sample_take_suggestion, name="sample_suggested"),
    path("<int:pk>/sample/add/", views.sample_add, name="sample_add"),
    path("<int:pk>/sample/<int:sampled_pk>/remove/", views.sample_remove, name="sample_remove"),
    path("<int:pk>/report/", views.report_edit, name="report_edit"),
    path("<int:pk>/report/actions/", views.report_action_add, name="action_add"),
    path(
        "<int:pk>/report/actions/<int:action_pk>/remove/",
        views.report_action_remove,
        name="action_remove",
    ),
    path("<int:pk>/report/issue/", views.report_issue, name="report_issue"),
    path("<int:pk>/report/revise/", views.report_revise, name="report_revise"),
    path("<int:pk>/report/versions/<int:version>/", views.report_version, name="report_version"),
    path("actions/<int:pk>/respond/", views.action_respond, name="action_respond"),
    path("actions/<int:pk>/decide/", views.action_decide, name="action_decide"),
]
