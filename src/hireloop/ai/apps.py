from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "hireloop.ai"
    label = "ai"
