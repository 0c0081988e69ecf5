from django.db.models import QuerySet

from hireloop.activity.models import Event
from hireloop.core.times import parse_time


def company_events(
    *,
    company,
    kind: str | None = None,
    actor_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    created_after: str | None = None,
    created_before: str | None = None,
) -> QuerySet[Event]:
    """Events of one company, newest first, with the audit-log filters."""
    events = Event.objects.filter(company=company)
    if kind:
        events = events.filter(kind__startswith=kind) if kind.endswith(".") else events.filter(kind=kind)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if subject_type:
        events = events.filter(subject_type=subject_type)
    if subject_id is not None:
        events = events.filter(subject_id=subject_id)
    after = parse_time(created_after, field="created_after")
    before = parse_time(created_before, field="created_before")
    if after:
        events = events.filter(created_at__gte=after)
    if before:
        events = events.filter(created_at__lte=before)
    return events.order_by("-created_at", "-pk")


def candidate_timeline(*, company, candidate_id: int) -> QuerySet[Event]:
    """Every event about a candidate and their applications, newest first."""
    return Event.objects.filter(company=company, candidate_id=candidate_id).order_by("-created_at", "-pk")
