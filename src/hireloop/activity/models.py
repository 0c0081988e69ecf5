"""The append-only event table: candidate timeline, audit log and webhook source in one."""

from django.db import models


class Event(models.Model):
    """One state change: who did what to which object, when, from where."""

    company = models.ForeignKey("accounts.Company", null=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # "user" | "api_key" | "system" | "candidate" | "referee" ...
    actor_type = models.CharField(max_length=20, default="system")
    kind = models.CharField(max_length=80)
    subject_type = models.CharField(max_length=50)
    subject_id = models.BigIntegerField(null=True)
    # Related ids so timelines can gather events about a candidate or a job cheaply.
    candidate_id = models.BigIntegerField(null=True)
    job_id = models.BigIntegerField(null=True)
    data = models.JSONField(default=dict)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    action_id = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["company", "-created_at"], name="event_company_time"),
            models.Index(fields=["company", "kind", "-created_at"], name="event_company_kind"),
            models.Index(fields=["company", "subject_type", "subject_id"], name="event_subject"),
            models.Index(fields=["company", "candidate_id", "-created_at"], name="event_candidate"),
            models.Index(fields=["company", "actor", "-created_at"], name="event_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id}"
