"""Interviews between people: the meeting, who attends, their answers, and working hours."""

from django.conf import settings
from django.db import models

from hireloop.core.models import TenantModel


class InterviewType(models.TextChoices):
    PHONE = "phone"
    VIDEO = "video"
    ONSITE = "onsite"
    TECHNICAL = "technical"
    PANEL = "panel"


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class ResponseStatus(models.TextChoices):
    """RFC 5545 PARTSTAT values an attendee may answer an invitation with."""

    NEEDS_ACTION = "needs_action"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"


class Interview(TenantModel):
    """One scheduled meeting with a candidate about one application; times are stored in UTC."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="interviews")
    type = models.CharField(max_length=20, choices=InterviewType.choices, default=InterviewType.VIDEO)
    status = models.CharField(max_length=20, choices=InterviewStatus.choices, default=InterviewStatus.SCHEDULED)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    # The zone the organiser scheduled in; each person still sees their own local time.
    timezone = models.CharField(max_length=64, default="UTC")
    location = models.CharField(max_length=500, blank=True)
    video_url = models.URLField(max_length=1000, blank=True)
    notes = models.TextField(blank=True)
    evaluation_template = models.ForeignKey(
        "evaluations.EvaluationTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    candidate_response = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.NEEDS_ACTION
    )
    # iCalendar identity: the UID never changes, SEQUENCE grows with every change sent to attendees.
    ics_uid = models.CharField(max_length=200, unique=True)
    ics_sequence = models.PositiveIntegerField(default=0)
    reminder_sent_sequence = models.IntegerField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["company", "start_at"], name="interview_company_start"),
            models.Index(fields=["company", "-created_at"], name="interview_company_created"),
        ]

    def __str__(self) -> str:
        return f"Interview {self.pk} ({self.start_at:%Y-%m-%d %H:%M} UTC)"


class InterviewParticipant(TenantModel):
    """An interviewer on an interview. Start, end and whether it still blocks time are copied
    from the interview (by its services only) so availability and conflict checks read one index."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response_status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.NEEDS_ACTION
    )
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    is_blocking = models.BooleanField(default=True)
    evaluation_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["interview", "user"], name="participant_interview_user")]
        indexes = [models.Index(fields=["company", "user", "start_at"], name="participant_user_start")]


class WorkingHours(TenantModel):
    """One weekly working interval of a user in a company, in the user's chosen timezone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start_time = models.TimeField()
    end_time = models.TimeField()
    timezone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["weekday", "start_time", "pk"]
        indexes = [models.Index(fields=["company", "user"], name="working_hours_user")]
