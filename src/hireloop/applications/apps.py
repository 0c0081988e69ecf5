from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "hireloop.applications"
    label = "applications"
