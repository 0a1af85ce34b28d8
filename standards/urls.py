from django.urls import path

from standards import views

app_name = "standards"
urlpatterns = [
    path("", views.standard_list, name="list"),
    path("<slug:slug>/", views.standard_detail, name="detail"),
]
