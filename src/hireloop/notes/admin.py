from django.contrib import admin

from hireloop.notes.models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "candidate", "author", "visibility", "created_at")
    list_filter = ("visibility",)
    raw_id_fields = ("candidate", "author")
