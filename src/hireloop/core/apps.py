from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hireloop.core"
    label = "core"
    verbose_name = "Hireloop core"
