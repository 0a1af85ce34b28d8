from django.contrib import admin

from portal.centres.models import Centre, EqaGrant


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "created_at"]
    search_fields = ["name"]


@admin.register(EqaGrant)
class EqaGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "granted_at"]
    list_filter = ["centre"]
    autocomplete_fields = ["centre"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # noqa: ANN001, ANN003, ANN201 - Django admin hook
        if db_field.name == "user":
            from portal.accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_superuser=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
