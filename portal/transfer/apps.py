from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "portal.transfer"
    label = "transfer"
    verbose_name = "Portfolio transfer"
    default_auto_field = "django.db.models.BigAutoField"
