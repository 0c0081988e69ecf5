from django.contrib import admin

from hireloop.interviews.models import Interview, InterviewParticipant, WorkingHours


class ParticipantInline(admin.TabularInline):
    model = InterviewParticipant
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("start_at", "end_at", "is_blocking")


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    """Scheduled interviews; change them through the API so invitations follow."""

    list_display = ("id", "company", "application", "type", "status", "start_at", "end_at")
    list_filter = ("status", "type")
    raw_id_fields = ("application", "evaluation_template", "created_by")
    readonly_fields = ("ics_uid", "ics_sequence", "reminder_sent_sequence")
    inlines = [ParticipantInline]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "weekday", "start_time", "end_time", "timezone")
    raw_id_fields = ("user",)
