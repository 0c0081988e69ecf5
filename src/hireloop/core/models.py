"""Shared model mechanisms: timestamps, the tenant-scoped base, idempotency records."""

from django.db import models


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class TenantQuerySet(models.QuerySet):
    def for_company(self, company) -> "TenantQuerySet":
        return self.filter(company=company)


class TenantModel(TimeStampedModel):
    """A row owned by one company. Every query on it goes through `for_company`."""

    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed for 24 h."""

    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    is_complete = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "key"], name="idempotency_company_key")]


class RateCounter(models.Model):
    """Requests counted in one fixed window of one rate-limit bucket (the shared store when there is no
    Redis: one upsert per request, where the database cache needed about nine queries)."""

    bucket = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # unix seconds
    count = models.IntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # unix seconds

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "window_start"], name="ratecounter_bucket_window")]


class OutboxEmail(models.Model):
    """An email kept by the embedded outbox backend instead of being sent over SMTP."""

    sender = models.CharField(max_length=300)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=500)
    raw = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
