from django.urls import path

from standards import case_views

app_name = "case"

# The CASE 1.0 REST binding's paths (under /ims/case/v1p0/), read-only.
urlpatterns = [
    path("CFDocuments", case_views.documents, name="documents"),
    path("CFDocuments/<uuid:identifier>", case_views.document, name="document"),
    path("CFPackages/<uuid:identifier>", case_views.package, name="package"),
    path("CFItems/<uuid:identifier>", case_views.item, name="item"),
    path("CFAssociations/<uuid:identifier>", case_views.association, name="association"),
]
