"""Notes: discussion about a candidate, visible to the team or only to their author (and admins)."""

from django.db import models

from hireloop.core.models import TenantModel


class Visibility(models.TextChoices):
    ALL = "all"
    PRIVATE = "private"


class Note(TenantModel):
    """A note on a candidate's profile; its body is sanitised HTML."""

    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.ALL)
    mention_user_ids = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["company", "candidate", "-created_at"], name="note_candidate")]
