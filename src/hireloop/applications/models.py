"""Applications: a candidate in a job's pipeline."""

from django.db import models

from hireloop.core.models import TenantModel


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active"
    HIRED = "hired"
    REJECTED = "rejected"


class Application(TenantModel):
    """One candidate applying to one job, sitting in one stage of the job's workflow."""

    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.CASCADE, related_name="applications")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="applications")
    stage = models.ForeignKey("jobs.Stage", null=True, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE)
    is_disqualified = models.BooleanField(default=False)
    hired_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    ai_score = models.FloatField(null=True, blank=True)
    ai_recommendation = models.CharField(max_length=20, blank=True)
    ai_scoring_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "job"], name="application_candidate_job")]
        indexes = [
            models.Index(fields=["company", "job", "stage"], name="application_job_stage"),
            models.Index(fields=["company", "-created_at"], name="application_company_created"),
        ]
