from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "portal.staff"
    label = "staff"
    verbose_name = "Staff competence and standardisation"
