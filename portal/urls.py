from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import health, views
from portal.accounts import two_factor

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", health.health, name="health"),
    path("learner/", views.learner_dashboard, name="learner_dashboard"),
    path("assessor/", views.assessor_dashboard, name="assessor_dashboard"),
    path("iqa/", views.iqa_dashboard, name="iqa_dashboard"),
    path("centre/", views.centre_dashboard, name="centre_dashboard"),
    path("centre/", include("portal.centres.urls")),
    path("eqa/", views.eqa_dashboard, name="eqa_dashboard"),
    path("eqa/centres/<int:pk>/", views.eqa_centre, name="eqa_centre"),
    path("eqa/centres/<int:pk>/samples/", views.eqa_samples, name="eqa_samples"),
    path("eqa/visits/", include("portal.visits.urls")),
    path("standards/", include("standards.urls")),
    path("ims/case/v1p0/", include("standards.case_urls")),
    path("evidence/", include("evidence.urls")),
    path("", include("review.urls")),
    path("quality/", include("quality.urls")),
    path("assessments/", include("assessments.urls")),
    path("portfolio/", include("portal.portfolio.urls")),
    path("transfer/", include("portal.transfer.urls")),
    path("", include("portal.privacy.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("badges/", include("portal.badges.urls")),
    path("staff/", include("portal.staff.urls")),
    path("reports/", include("portal.reports.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
