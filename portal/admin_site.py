"""The admin site is for platform operators: superusers only.

No portal role (learner, assessor, IQA, centre admin, EQA) is staff, and a staff account that
is not a superuser gets nothing here either, so nobody sees another centre's data in the
admin. Centre admins manage their centre through the portal's own pages.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class PlatformAdminSite(AdminSite):
    site_header = "Competence Portfolio: platform administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class PlatformAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PlatformAdminSite"
