from django.urls import path, re_path

from portal.badges import views

app_name = "badges"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("units/<int:pk>/claim/", views.claim, name="claim"),
    re_path(r"^(?P<pk>[0-9]+)/download\.(?P<fmt>jwt|json)$", views.download, name="download"),
    path("issuers/<int:pk>/", views.issuer, name="issuer"),
    path("issuers/<int:pk>/revocations.json", views.revocations, name="revocations"),
    path("jwks.json", views.jwks, name="jwks"),
    path("verify/", views.check, name="verify"),
]
