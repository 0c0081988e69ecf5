"""Jobs and their pipelines (workflows of ordered stages)."""

from django.db import models

from hireloop.core.models import TenantModel


class Workflow(TenantModel):
    """An ordered pipeline of stages; a job uses one, workflows may be shared by jobs."""

    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Stage(TenantModel):
    """One step of a workflow, ordered by position."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Job(TenantModel):
    """An opening candidates apply to."""

    alias = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=40, default="Draft")
    description = models.TextField(blank=True)
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="jobs")

    class Meta:
        indexes = [models.Index(fields=["company", "-created_at"], name="job_company_created")]

    def __str__(self) -> str:
        return self.title
