from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hireloop.webhooks"
    label = "webhooks"
