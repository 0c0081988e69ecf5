"""Jobs, their pipelines (workflows of ordered stages), hiring teams, AI criteria, board publications
and the job taxonomies (departments, categories, levels, employment types)."""

from django.conf import settings
from django.db import models

from hireloop.core.models import TenantModel, TimeStampedModel


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


class Term(TimeStampedModel):
    """A taxonomy value: built in for every company (company is null) or added by one company."""

    company = models.ForeignKey("accounts.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Department(Term):
    """A company department (built-in defaults plus the company's own)."""


class Category(Term):
    """A job category (e.g. Engineering, Marketing)."""


class EducationLevel(Term):
    """The education a job requires."""


class EmploymentType(Term):
    """Full-time, part-time, contract, …"""


class ExperienceLevel(Term):
    """Entry, mid, senior, …"""


class ResumeFieldStatus(models.TextChoices):
    REQUIRED = "required"
    OPTIONAL = "optional"
    HIDDEN = "hidden"


class SalaryPeriod(models.TextChoices):
    ANNUALLY = "annually"
    MONTHLY = "monthly"
    DAILY = "daily"
    HOURLY = "hourly"


class JobFocus(models.TextChoices):
    """What AI interviews weigh most for this job."""

    TECHNICAL = "technical"
    SKILLS = "skills"
    CULTURAL = "cultural"
    BALANCED = "balanced"


class Job(TenantModel):
    """An opening candidates apply to."""

    alias = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=40, default="Draft")
    description = models.TextField(blank=True)
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="jobs")
    internal_title = models.CharField(max_length=300, blank=True)
    internal_job_id = models.CharField(max_length=100, blank=True)
    requirements = models.TextField(blank=True)
    job_focus = models.CharField(max_length=20, choices=JobFocus.choices, default=JobFocus.BALANCED)
    resume_field_status = models.CharField(
        max_length=10, choices=ResumeFieldStatus.choices, default=ResumeFieldStatus.OPTIONAL
    )
    location_city = models.CharField(max_length=120, blank=True)
    location_state = models.CharField(max_length=120, blank=True)
    location_country = models.CharField(max_length=120, blank=True)
    location_street_address = models.CharField(max_length=300, blank=True)
    location_full_address = models.CharField(max_length=500, blank=True)
    location_postal_code = models.CharField(max_length=40, blank=True)
    is_remote = models.BooleanField(default=False)
    salary_min = models.FloatField(null=True, blank=True)
    salary_max = models.FloatField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    salary_period = models.CharField(max_length=10, choices=SalaryPeriod.choices, blank=True)
    salary_range = models.CharField(max_length=100, blank=True)
    hours_per_week_min = models.PositiveSmallIntegerField(null=True, blank=True)
    hours_per_week_max = models.PositiveSmallIntegerField(null=True, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    education_level = models.ForeignKey(
        EducationLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    employment_type = models.ForeignKey(
        EmploymentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    experience_level = models.ForeignKey(
        ExperienceLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The application form lives in the candidates app; referenced by id only.
    form_id = models.BigIntegerField(null=True, blank=True)
    parent_job = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="satellites")
    # Yes/no screening questions: [{"id", "text", "expected_answer": "Yes"|"No", "disqualify_on_wrong_answer"}]
    knockout_questions = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["company", "-created_at"], name="job_company_created"),
            models.Index(fields=["company", "status"], name="job_company_status"),
        ]

    def __str__(self) -> str:
        return self.title


class AiScoringCriterion(TenantModel):
    """One thing the AI scores applications of a job on (003 AiScoringCriterion)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="ai_scoring_criteria")
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    weight = models.PositiveSmallIntegerField(default=5)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]


class HiringTeamMember(TenantModel):
    """A company user working on a job (hiring manager, recruiter, interviewer)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="hiring_team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["job", "user"], name="hiring_team_job_user")]


class BoardPublication(TenantModel):
    """A job's publication on one job board (the careers page follows the job's status instead)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="board_publications")
    board = models.CharField(max_length=40)
    status = models.CharField(max_length=20, default="active")  # active | inactive
    activated_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["job", "board"], name="board_publication_job_board")]
