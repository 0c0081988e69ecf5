from django.contrib import admin

from hireloop.jobs.models import Category, Department, Job, Stage, Workflow


class StageInline(admin.TabularInline):
    model = Stage
    fields = ("name", "position")
    extra = 0


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "name", "is_default", "created_at")
    inlines = [StageInline]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "alias", "company", "title", "status", "created_at")
    list_filter = ("status", "job_focus")
    search_fields = ("title", "internal_title", "alias")
    raw_id_fields = ("workflow", "parent_job")


@admin.register(Department, Category)
class TermAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "company", "position")
