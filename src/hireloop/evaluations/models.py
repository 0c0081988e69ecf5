"""Evaluation forms (scorecards): company templates, the form an evaluator fills, stage defaults."""

from django.conf import settings
from django.db import models

from hireloop.core.models import TenantModel


class QuestionType(models.TextChoices):
    RATING = "rating"
    YES_NO = "yes_no"
    TEXT = "text"
    SINGLE_CHOICE = "single_choice"
    SKILL_RATING = "skill_rating"


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class FormStatus(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class EvaluationTemplate(TenantModel):
    """A company's scorecard: ordered questions an evaluator answers, then a recommendation."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "name"], name="evaluation_template_name")]

    def __str__(self) -> str:
        return self.name


class EvaluationQuestion(TenantModel):
    """One question of a template; retired (not deleted) when a template edit drops it."""

    template = models.ForeignKey(EvaluationTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=200, blank=True)
    text = models.CharField(max_length=1000)
    type = models.CharField(max_length=20, choices=QuestionType.choices, default=QuestionType.RATING)
    is_required = models.BooleanField(default=False)
    weight = models.FloatField(default=1.0)
    options = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]


class EvaluationForm(TenantModel):
    """One evaluator's scorecard of an application (optionally for one interview).

    The questions are copied from the template when the form is created, so later template edits
    never change what an evaluator answered.
    """

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="evaluation_forms"
    )
    interview = models.ForeignKey(
        "interviews.Interview", null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluation_forms"
    )
    template = models.ForeignKey(EvaluationTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    template_name = models.CharField(max_length=200, blank=True)
    stage = models.ForeignKey("jobs.Stage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=FormStatus.choices, default=FormStatus.DRAFT)
    questions = models.JSONField(default=list)
    # {"<question id>": value}
    answers = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    # Weighted mean of the rating answers on their 1-5 scale; None when nothing is rated.
    score = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "evaluator"],
                condition=models.Q(interview__isnull=False),
                name="evaluation_form_interview_evaluator",
            )
        ]
        indexes = [models.Index(fields=["company", "application", "status"], name="evaluation_form_application")]


class StageEvaluationTemplate(TenantModel):
    """The template a job's stage uses by default when a form is created without one."""

    stage = models.ForeignKey("jobs.Stage", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(EvaluationTemplate, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage"], name="stage_evaluation_template_stage")]
