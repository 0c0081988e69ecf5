from django.contrib import admin

from hireloop.evaluations.models import EvaluationForm, EvaluationQuestion, EvaluationTemplate


class QuestionInline(admin.TabularInline):
    model = EvaluationQuestion
    extra = 0


@admin.register(EvaluationTemplate)
class EvaluationTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "deleted_at")
    inlines = [QuestionInline]


@admin.register(EvaluationForm)
class EvaluationFormAdmin(admin.ModelAdmin):
    """Filled scorecards (read-only here: edits go through the API so they are audited)."""

    list_display = ("id", "company", "application", "evaluator", "status", "recommendation", "score")
    list_filter = ("status", "recommendation")
    raw_id_fields = ("application", "interview", "template", "stage", "evaluator")

    def has_change_permission(self, request, obj=None) -> bool:
        return False
