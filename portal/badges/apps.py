from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "portal.badges"
    label = "badges"
    verbose_name = "Open Badges"
