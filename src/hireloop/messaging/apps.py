from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "hireloop.messaging"
    label = "messaging"
