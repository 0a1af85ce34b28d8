from django.urls import path

from standards import views

app_name = "standards"
# Fixed words come before <slug>; importer.RESERVED_SLUGS keeps a standard from taking them.
urlpatterns = [
    path("", views.standard_list, name="list"),
    path("search/", views.search, name="search"),
    path("import/", views.standard_import, name="import"),
    path("corrections/", views.correction_list, name="corrections"),
    path("<slug:slug>/", views.standard_detail, name="detail"),
    path("<slug:slug>/criteria/<int:pk>/", views.criterion_detail, name="criterion"),
    path(
        "<slug:slug>/criteria/<int:pk>/supply-text/",
        views.correction_create,
        name="correction_create",
    ),
]
