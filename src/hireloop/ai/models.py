"""AI artifacts: parsed resumes with their vectors, and explained application scores."""

import uuid

from django.db import models

from hireloop.core.models import TenantModel


class ParseStatus(models.TextChoices):
    PARSED = "parsed"
    FAILED = "failed"


class ResumeProfile(TenantModel):
    """The latest parsed resume of a candidate: structured fields, text, and a vector for matching/search."""

    candidate = models.OneToOneField("candidates.Candidate", on_delete=models.CASCADE, related_name="resume_profile")
    source_file_id = models.BigIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=ParseStatus.choices, default=ParseStatus.PARSED)
    failure_reason = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    structured = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # Mean embedding of the blind resume passages (float32 bytes) and the model that made it.
    vector = models.BinaryField(null=True, blank=True)
    vector_model = models.CharField(max_length=200, blank=True)
    # The blind passages' own vectors (float16 bytes, in passage order), so scoring never re-embeds them.
    passage_vectors = models.BinaryField(null=True, blank=True)
    skills = models.JSONField(default=list, blank=True)  # canonical skill names, for matching
    years_experience = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "status"], name="resume_profile_company_status")]


class ApplicationScore(TenantModel):
    """The current explained AI score of an application (003 `ApplicationAiScorePayload`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="ai_scores")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+")
    total_score = models.PositiveSmallIntegerField()
    recommendation = models.CharField(max_length=20)
    summary = models.TextField(blank=True)
    criteria = models.JSONField(default=list)
    method = models.CharField(max_length=100)
    provenance = models.JSONField(default=dict)
    criteria_version = models.CharField(max_length=32)
    input_hash = models.CharField(max_length=64)
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application"], name="ai_score_one_per_application")]
        indexes = [models.Index(fields=["company", "job", "-total_score"], name="ai_score_job_total")]
