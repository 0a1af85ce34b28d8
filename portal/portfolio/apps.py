from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "portal.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio export"
