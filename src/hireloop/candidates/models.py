"""Candidates: people in a company's talent pool, their contact points, tags, files and profile answers."""

import uuid

from django.db import models

from hireloop.core.models import TenantModel


class Source(TenantModel):
    """How a candidate was sourced (LinkedIn, Referral, …); the company's own list."""

    name = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="source_company_name")]

    def __str__(self) -> str:
        return self.name


class Origin(TenantModel):
    """Where a candidate's record came from (Career site, API, Import, …)."""

    name = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="origin_company_name")]

    def __str__(self) -> str:
        return self.name


class Candidate(TenantModel):
    """A person a company may hire; emails and phones beyond the first live in their own tables."""

    alias = models.CharField(max_length=16, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    # The primary (first) email and phone; every address is searchable through the contact tables.
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=120, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Kept by messaging (through candidates.services) whenever a message is sent or received.
    last_message_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    origin = models.ForeignKey(Origin, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The LinkedIn profile alias ("johndoe" of linkedin.com/in/johndoe), normalised for matching.
    linkedin = models.CharField(max_length=200, blank=True)
    # Lower-cased "first last": the full_name filter and duplicate detection use it.
    name_key = models.CharField(max_length=301, blank=True)
    is_anonymized = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["company", "-created_at"], name="candidate_company_created"),
            models.Index(fields=["company", "-updated_at"], name="candidate_company_updated"),
            models.Index(fields=["company", "name_key"], name="candidate_company_name"),
            models.Index(fields=["company", "linkedin"], name="candidate_company_linkedin"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.alias

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CandidateSearch(models.Model):
    """What `q` matches for one candidate: lower-cased names and every email. A narrow table of its own,
    so the search index (pg_trgm GIN on PostgreSQL, FTS5 trigram on SQLite) is written only when these
    change, not on every touch of the candidate row, and a count of matches reads small pages."""

    candidate = models.OneToOneField(Candidate, primary_key=True, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    text = models.TextField(blank=True)


class CandidateEmail(TenantModel):
    """One email address of a candidate (lower-cased); position 0 is the primary one."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["candidate", "email"], name="candidate_email_unique")]
        indexes = [models.Index(fields=["company", "email"], name="candidate_email_lookup")]


class CandidatePhone(TenantModel):
    """One phone number of a candidate, E.164 where it could be parsed."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="phones")
    phone = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["candidate", "phone"], name="candidate_phone_unique")]
        indexes = [models.Index(fields=["company", "phone"], name="candidate_phone_lookup")]


class Tag(TenantModel):
    """A label of the company's (case-sensitive, as 003 says of tag text)."""

    name = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="tag_company_name")]

    def __str__(self) -> str:
        return self.name


class CandidateTag(TenantModel):
    """A tag on a candidate."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "tag"], name="candidate_tag_unique")]


class FileType(models.TextChoices):
    RESUME = "resume"
    OTHER = "other"


class AttachmentCategory(models.TextChoices):
    VOICEMAIL = "voicemail"
    CANDIDATE = "candidate"
    APPLICATION = "application"
    CANDIDATE_COMMENT = "candidate_comment"
    JOB_NOTE = "job_note"
    COMPANY_FAVICON = "company_favicon"
    COMPANY_HEADER = "company_header"
    COMPANY_LINK_PREVIEW = "company_link_preview"


def _storage_name(instance, filename: str) -> str:
    # Random; only a safe extension survives (parsers pick the format by it). The original name
    # is kept in `original_name`, never used on disk.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = f".{ext}" if ext.isalnum() and len(ext) <= 8 else ""
    return f"candidate-files/{instance.company_id}/{uuid.uuid4().hex}{suffix}"


class CandidateFile(TenantModel):
    """A stored file: a candidate's resume or document, or an attachment of another object (category)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    category = models.CharField(max_length=30, choices=AttachmentCategory.choices, default=AttachmentCategory.CANDIDATE)
    object_id = models.BigIntegerField(null=True, blank=True)
    type = models.CharField(max_length=10, choices=FileType.choices, default=FileType.OTHER)
    file = models.FileField(upload_to=_storage_name, max_length=300)
    original_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Filled by the AI parsing task (hireloop.ai.tasks.parse_and_store).
    text = models.TextField(blank=True)
    parse_status = models.CharField(max_length=20, blank=True)
    parse_error = models.CharField(max_length=300, blank=True)
    parsed = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "candidate", "-created_at"], name="candidate_file_candidate")]


class QuestionType(models.TextChoices):
    TEXT = "text", "Text"
    TEXTAREA = "textarea", "Long text"
    NUMBER = "number", "Number"
    SELECT = "select", "Single choice"
    MULTISELECT = "multiselect", "Multiple choice"
    DATE = "date", "Date"
    BOOLEAN = "boolean", "Yes / No"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    URL = "url", "URL"
    FILE = "file", "File"


class Question(TenantModel):
    """A reusable profile question of the company's catalogue."""

    text = models.CharField(max_length=500)
    type = models.CharField(max_length=20, choices=QuestionType.choices, default=QuestionType.TEXT)
    options = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "text"], name="question_company_text")]

    def __str__(self) -> str:
        return self.text


class ProfileAnswer(TenantModel):
    """A candidate's answer to one profile question (string, number, list, bool or null)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    value = models.JSONField(null=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["candidate", "question"], name="profile_answer_unique")]


class FieldStatus(models.TextChoices):
    REQUIRED = "required"
    OPTIONAL = "optional"
    HIDDEN = "hidden"


class Form(TenantModel):
    """An application form: an ordered selection of questions, each required, optional or hidden."""

    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class FormQuestion(models.Model):
    """One question's place and status inside a form."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=FieldStatus.choices, default=FieldStatus.OPTIONAL)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["form", "question"], name="form_question_unique")]
