from django.contrib import admin

from hireloop.applications.models import Application, RejectionReason, StageChange


class StageChangeInline(admin.TabularInline):
    model = StageChange
    fields = ("from_stage_name", "to_stage_name", "moved_at", "moved_by_type", "moved_by_user", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "candidate", "job", "stage", "status", "is_disqualified", "created_at")
    list_filter = ("status", "is_disqualified")
    raw_id_fields = ("candidate", "job", "stage", "transferred_to")
    inlines = [StageChangeInline]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "company", "position")
