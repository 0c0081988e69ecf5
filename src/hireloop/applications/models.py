"""Applications: a candidate in a job's pipeline, its stage history, attachments and rejection reasons."""

import uuid

from django.conf import settings
from django.db import models

from hireloop.core.models import TenantModel, TimeStampedModel


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active"
    HIRED = "hired"
    REJECTED = "rejected"


class RejectionReason(TimeStampedModel):
    """Why an application was rejected: built in for every company (company is null) or the company's own."""

    company = models.ForeignKey("accounts.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Application(TenantModel):
    """One candidate applying to one job, sitting in one stage of the job's workflow."""

    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.CASCADE, related_name="applications")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="applications")
    stage = models.ForeignKey("jobs.Stage", null=True, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE)
    is_disqualified = models.BooleanField(default=False)
    hired_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    disqualified_at = models.DateTimeField(null=True, blank=True)
    # [{"id", "name"}] as chosen when rejected or disqualified (kept even if a reason is renamed later).
    rejection_reasons = models.JSONField(null=True, blank=True)
    custom_fields = models.JSONField(null=True, blank=True)
    # Knockout answers given when applying: {"<question id>": "Yes" | "No"}.
    answers = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=60, blank=True)
    transferred_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ai_score = models.FloatField(null=True, blank=True)
    ai_recommendation = models.CharField(max_length=20, blank=True)
    ai_scoring_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "job"], name="application_candidate_job")]
        indexes = [
            models.Index(fields=["company", "job", "stage"], name="application_job_stage"),
            models.Index(fields=["company", "-created_at"], name="application_company_created"),
            models.Index(fields=["job", "stage", "-created_at"], name="application_job_stage_created"),
        ]


class MoverType(models.TextChoices):
    USER = "user"
    AUTOMATION = "automation"
    SYSTEM = "system"


class StageChange(models.Model):
    """One stage transition of an application, the initial assignment included (from_stage_id null).

    Stage ids and names are copied so the history survives a stage being deleted.
    """

    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage_id = models.BigIntegerField(null=True)
    from_stage_name = models.CharField(max_length=120, null=True)
    to_stage_id = models.BigIntegerField()
    to_stage_name = models.CharField(max_length=120)
    moved_at = models.DateTimeField()
    moved_by_type = models.CharField(max_length=20, choices=MoverType.choices)
    moved_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=60, null=True, blank=True)

    class Meta:
        ordering = ["moved_at", "pk"]
        indexes = [models.Index(fields=["application", "moved_at"], name="stage_change_application")]


def _attachment_path(instance, filename: str) -> str:
    return f"applications/{instance.company_id}/{instance.uuid}/{filename}"


class Attachment(TenantModel):
    """A file linked to an application; the latest one marked is_cv is the application's CV."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=500)
    orig_file_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField(default=0)
    is_cv = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
