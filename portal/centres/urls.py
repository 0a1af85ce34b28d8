from django.urls import path

from portal.centres import views

app_name = "centres"
urlpatterns = [
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/active/", views.person_set_active, name="person_set_active"),
    path("people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("security/", views.centre_security, name="security"),
    path("tasks/failed/", views.failed_tasks, name="failed_tasks"),
    path("enrolments/", views.enrolment_list, name="enrolments"),
    path("enrolments/new/", views.enrolment_create, name="enrolment_create"),
    path("enrolments/<int:pk>/edit/", views.enrolment_edit, name="enrolment_edit"),
]
