from django.urls import path

from quality import views

app_name = "quality"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/", views.decisions, name="decisions"),
    path("assessors/<int:pk>/", views.assessor, name="assessor"),
    path("assessors/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("units/<int:pk>/sample/", views.sample_unit, name="sample_unit"),
    path("samples/<int:pk>/", views.sample, name="sample"),
    path("actions/<int:pk>/answer/", views.action_answer, name="action_answer"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("actions/<int:pk>/return/", views.action_return, name="action_return"),
]
