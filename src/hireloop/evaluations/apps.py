from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "hireloop.evaluations"
    label = "evaluations"
