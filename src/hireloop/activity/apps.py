from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "hireloop.activity"
    label = "activity"
