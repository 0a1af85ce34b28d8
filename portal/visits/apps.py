from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "portal.visits"
    label = "visits"
    verbose_name = "External quality assurance visits"
