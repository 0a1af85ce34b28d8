from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.observability import connect_task_signals
        from portal.security import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="portal_session_clock")
        connect_task_signals()
