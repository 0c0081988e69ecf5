from django.contrib import admin

from hireloop.candidates.models import Candidate, CandidateFile, Form, Question, Source, Tag


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("id", "alias", "company", "first_name", "last_name", "email", "is_anonymized", "created_at")
    list_filter = ("is_anonymized",)
    search_fields = ("alias", "email", "name_key")
    raw_id_fields = ("source", "origin")
    readonly_fields = ("name_key",)


@admin.register(CandidateFile)
class CandidateFileAdmin(admin.ModelAdmin):
    list_display = ("uuid", "company", "candidate", "type", "category", "original_name", "mime_type", "size")
    list_filter = ("type", "category", "parse_status")
    raw_id_fields = ("candidate", "uploaded_by")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "text", "type")
    list_filter = ("type",)


admin.site.register(Form)
admin.site.register(Source)
admin.site.register(Tag)
