"""Webhook subscriptions, the events sent to them, and the log of every delivery attempt."""

from django.db import models

from hireloop.core.models import TenantModel, TimeStampedModel
from hireloop.webhooks import crypto


class Webhook(TenantModel):
    """A subscriber URL of one company, optionally scoped to one job, receiving signed events."""

    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=500, blank=True)
    # Event names, "*" for all, or "<resource>.*" for every event of one resource.
    events = models.JSONField(default=list)
    headers = models.JSONField(default=dict)
    is_active = models.BooleanField(default=True)
    # Secrets are "whsec_<base64>", stored encrypted (see `secret`); while rotating, the previous one
    # also signs until it expires.
    secret_encrypted = models.TextField()
    previous_secret_encrypted = models.TextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["company", "is_active"], name="webhook_company_active")]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    @property
    def previous_secret(self) -> str:
        return crypto.decrypt(self.previous_secret_encrypted)

    @previous_secret.setter
    def previous_secret(self, value: str) -> None:
        self.previous_secret_encrypted = crypto.encrypt(value)


class WebhookEvent(models.Model):
    """One event as sent: the envelope is built once, at the time of the change, and stored verbatim."""

    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=40, unique=True)  # "evt_…", the webhook-id header
    type = models.CharField(max_length=80)
    activity_event_id = models.BigIntegerField(null=True)
    body = models.TextField()  # the exact JSON bytes that are signed and sent
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.public_id} {self.type}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERING = "delivering"  # claimed by a worker; a stale claim is retried by the sweep
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # retries exhausted, 410 Gone, or refused target
    CANCELLED = "cancelled"  # the subscription was disabled or deleted before it could be sent


class Delivery(TimeStampedModel):
    """Sending one event to one subscription, with retries."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # token of the worker run that claimed it
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    redelivery_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_time"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_due"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} {self.status}"


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery and what the receiver answered."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    requested_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_body = models.TextField(blank=True)  # truncated
    error = models.CharField(max_length=500, blank=True)
    is_success = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
