from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "hireloop.references"
    label = "references"
