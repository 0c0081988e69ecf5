from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "hireloop.notes"
    label = "notes"
