from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hireloop.jobs"
    label = "jobs"
