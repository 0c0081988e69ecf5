from django.contrib import admin

from hireloop.references.models import Answer, Question, QuestionSet, Reference, ReferenceRequest


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("order", "text", "type", "scale_min", "scale_max", "category", "required")


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "is_library", "language", "created_at")
    list_filter = ("is_library",)
    inlines = [QuestionInline]


@admin.register(ReferenceRequest)
class ReferenceRequestAdmin(admin.ModelAdmin):
    list_display = ("pk", "company", "candidate", "status", "filled_at", "reminder_count", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("candidate", "question_set", "requested_by")
    exclude = ("token_nonce",)


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("order", "question_text", "value", "comment", "original_value", "corrected_by")
    readonly_fields = fields


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ("pk", "company", "candidate", "first_name", "last_name", "relationship", "status", "completed_at")
    list_filter = ("status", "relationship")
    search_fields = ("email", "last_name")
    raw_id_fields = ("candidate", "reference_request", "question_set", "added_by")
    exclude = ("token_nonce",)
    inlines = [AnswerInline]
