"""Reference checks: question sets, reference requests, references (referees), their answers."""

from django.conf import settings
from django.db import models

from hireloop.core.models import TenantModel


class QuestionType(models.TextChoices):
    SCALE = "scale"
    TEXT = "text"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"


class Relationship(models.TextChoices):
    MANAGER = "manager"
    PEER = "peer"
    DIRECT_REPORT = "direct_report"
    CLIENT = "client"
    OTHER = "other"


class QuestionSet(TenantModel):
    """An ordered questionnaire sent to referees; library sets are ready-made and read-only."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    # Ready-made sets every company gets (copied from references.library); companies copy them to edit.
    is_library = models.BooleanField(default=False)
    library_key = models.CharField(max_length=50, blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "library_key"],
                condition=models.Q(is_library=True),
                name="question_set_library_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Question(TenantModel):
    """One question of a set; scale questions carry their range, single-choice ones their options."""

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    scale_min = models.PositiveSmallIntegerField(null=True, blank=True)
    scale_max = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=10, default="en")
    required = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]


class RequestStatus(models.TextChoices):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ReminderState(models.Model):
    """Reminder bookkeeping shared by requests (to the candidate) and references (to the referee)."""

    sent_at = models.DateTimeField(null=True, blank=True)  # first invitation: automatic reminders count from it
    reminder_count = models.PositiveSmallIntegerField(default=0)
    reminder_auto_count = models.PositiveSmallIntegerField(default=0)
    reminder_latest_sent_at = models.DateTimeField(null=True, blank=True)
    manual_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ReferenceRequest(TenantModel, ReminderState):
    """A recruiter asks a candidate for referees, who then answer a question set."""

    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.CASCADE, related_name="+")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    min_references = models.PositiveSmallIntegerField(default=2)
    min_manager_references = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    filled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Secret part of the candidate's link; replacing it revokes every earlier link.
    token_nonce = models.CharField(max_length=32)
    # Scheme and host the links of this request are built on (PUBLIC_BASE_URL or the creating request's).
    base_url = models.CharField(max_length=300, blank=True)
    # Where the candidate entered referees from: compared with referee submissions (fraud signals).
    candidate_ips = models.JSONField(default=list, blank=True)
    candidate_devices = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "-created_at"], name="refrequest_company_created")]

    @property
    def filled(self) -> bool:
        return self.filled_at is not None


class ReferenceStatus(models.TextChoices):
    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"


class Reference(TenantModel, ReminderState):
    """A referee of a candidate, their questionnaire link, answers' metadata and risk flags."""

    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.CASCADE, related_name="+")
    reference_request = models.ForeignKey(
        ReferenceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="references"
    )
    question_set = models.ForeignKey(QuestionSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by_candidate = models.BooleanField(default=False)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    country_code = models.CharField(max_length=8, blank=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.OTHER)
    company_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    internal_id = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=20, choices=ReferenceStatus.choices, default=ReferenceStatus.INVITED)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    token_nonce = models.CharField(max_length=32)
    base_url = models.CharField(max_length=300, blank=True)
    # 001 metadatum of the submission: ip, user_agent, browser, browser_version, os, os_version, device.
    metadata = models.JSONField(default=dict, blank=True)
    risk_flags = models.JSONField(default=list, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_sent_at = models.DateTimeField(null=True, blank=True)
    verification_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["company", "-created_at"], name="reference_company_created"),
            models.Index(fields=["company", "candidate"], name="reference_company_candidate"),
        ]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Answer(TenantModel):
    """A referee's answer, with the question as it was asked; corrections keep the original."""

    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    question_text = models.TextField()
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    category = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=10, default="en")
    scale_min = models.PositiveSmallIntegerField(null=True, blank=True)
    scale_max = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    value = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    original_value = models.TextField(null=True, blank=True)
    original_comment = models.TextField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    # [{user_id, at, field, from, to}], oldest first.
    corrections = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    @property
    def scale(self) -> int | None:
        if self.type != QuestionType.SCALE or self.scale_max is None:
            return None
        return self.scale_max
