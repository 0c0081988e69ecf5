"""Companies (tenants), users, memberships with roles, API keys, login sessions, one-time keys."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from hireloop.core.models import TimeStampedModel


class Plan(models.TextChoices):
    FREE = "free"
    PRO = "pro"
    ENTERPRISE = "enterprise"


class CompanyQuerySet(models.QuerySet):
    def alive(self) -> "CompanyQuerySet":
        return self.filter(deleted_at__isnull=True)


class Company(TimeStampedModel):
    """A tenant: every tenant-owned row points at one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)
    url = models.URLField(blank=True)
    logo = models.FileField(upload_to="logos/", blank=True)
    owner = models.ForeignKey("User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner_name = models.CharField(max_length=200, blank=True)
    owner_email = models.EmailField(blank=True)
    owner_phone = models.CharField(max_length=40, blank=True)
    is_staffing_agency = models.BooleanField(default=False)
    # The staffing agency that created this company as a client ("partner company").
    agency = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clients")
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.FREE)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class UserType(models.TextChoices):
    INDIVIDUAL = "individual"
    STAFFING = "staffing"
    COMPANY = "company"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin, TimeStampedModel):
    """A person who logs in with an email address."""

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user_type = models.CharField(max_length=20, choices=UserType.choices, default=UserType.COMPANY)
    timezone = models.CharField(max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    email_verified_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Role(models.TextChoices):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring_manager"
    INTERVIEWER = "interviewer"


class Membership(TimeStampedModel):
    """A user's access to one company, with a role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RECRUITER)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="membership_user_company")]


class Scope(models.TextChoices):
    READ = "read"
    WRITE = "write"


class ApiKey(TimeStampedModel):
    """A revocable bearer key tied to one user and one company; only its hash is stored."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_keys")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class AuthSession(models.Model):
    """One login: holds the current refresh token (rotated on use); access tokens name it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_sessions")
    refresh_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)


class OneTimeKey(models.Model):
    """A single-use, expiring key sent by email (password reset, email verification, invitation)."""

    class Purpose(models.TextChoices):
        PASSWORD_RESET = "password_reset"
        EMAIL_VERIFICATION = "email_verification"
        INVITATION = "invitation"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_keys")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class Feedback(models.Model):
    """Structured API feedback from integrators, read by staff in the back office."""

    class IssueType(models.TextChoices):
        MISSING_FILTER = "missing_filter"
        PAGINATION = "pagination"
        PERFORMANCE = "performance"
        MISSING_FIELD = "missing_field"
        BULK_OPERATION = "bulk_operation"
        OTHER = "other"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(max_length=2000)
    endpoint = models.CharField(max_length=300, blank=True)
    issue_type = models.CharField(max_length=30, choices=IssueType.choices, default=IssueType.OTHER)
    suggested_improvement = models.TextField(max_length=2000, blank=True)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
