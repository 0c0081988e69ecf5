"""record(): the one way every state change is written down."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string

from hireloop.activity.models import Event
from hireloop.core import context

_hooks: list | None = None


def _load_hooks() -> list:
    global _hooks
    if _hooks is None:
        _hooks = [import_string(path) for path in settings.ACTIVITY_HOOKS]
    return _hooks


def reset_hooks() -> None:
    """Forget loaded hooks (settings changed in tests)."""
    global _hooks
    _hooks = None


def record(
    *,
    kind: str,
    company,
    subject: models.Model | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    actor=None,
    actor_type: str | None = None,
    candidate_id: int | None = None,
    job_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one event row about `subject` and hand it to the configured hooks (webhooks, …).

    Call it inside the service's transaction; hooks enqueue their side effects on commit.
    """
    info = context.current()
    if subject is not None:
        subject_type = subject_type or subject._meta.model_name
        subject_id = subject.pk
    event = Event.objects.create(
        company=company,
        actor=actor,
        actor_type=actor_type or ("user" if actor is not None else "system"),
        kind=kind,
        subject_type=subject_type or "",
        subject_id=subject_id,
        candidate_id=candidate_id,
        job_id=job_id,
        data=data or {},
        ip=info.ip,
        user_agent=(info.user_agent or "")[:300],
        action_id=info.action_id,
    )
    for hook in _load_hooks():
        hook(event)
    return event
