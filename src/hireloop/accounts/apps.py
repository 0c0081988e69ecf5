from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hireloop.accounts"
    label = "accounts"
