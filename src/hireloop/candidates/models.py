"""Candidates: people in a company's talent pool."""

from django.db import models

from hireloop.core.models import TenantModel


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

    class Meta:
        indexes = [models.Index(fields=["company", "-created_at"], name="candidate_company_created")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.alias

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
