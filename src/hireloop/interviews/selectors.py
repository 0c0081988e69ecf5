"""Reusable reads of interviews, scoped to one company: lists, one interview, availability."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Prefetch, QuerySet

from hireloop.core.errors import NotFound, ValidationFailed
from hireloop.core.times import parse_time
from hireloop.interviews.models import Interview, InterviewParticipant, WorkingHours
from hireloop.interviews.services import MAX_DURATION, safe_zone

MAX_AVAILABILITY_DAYS = 62


def interviews(*, company) -> QuerySet[Interview]:
    """Interviews of a company with what their representation needs, in start order."""
    participants = InterviewParticipant.objects.select_related("user").order_by("pk")
    return (
        Interview.objects.filter(company=company)
        .select_related("application__candidate", "application__job")
        .prefetch_related(Prefetch("participants", queryset=participants))
        .order_by("start_at", "pk")
    )


def get_interview(*, company, interview_id: int) -> Interview:
    interview = interviews(company=company).filter(pk=interview_id).first()
    if interview is None:
        raise NotFound("Interview not found")
    return interview


def parse_day(value: str | None, *, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field: "Must be a date as YYYY-MM-DD."}) from None


def parse_bound(value: str | None, *, field: str, end_of_day: bool = False) -> datetime | None:
    """Unix seconds, ISO-8601 with offset, or a YYYY-MM-DD day in UTC (a date_to day is inclusive)."""
    if not value:
        return None
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        day = parse_day(text, field=field)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + timedelta(days=1) if end_of_day else start
    return parse_time(text, field=field)


def filter_interviews(
    queryset: QuerySet[Interview],
    *,
    job_id: int | None = None,
    application_id: int | None = None,
    candidate_id: int | None = None,
    interviewer_user_id: int | None = None,
    status: str | None = None,
    day: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> QuerySet[Interview]:
    if job_id is not None:
        queryset = queryset.filter(application__job_id=job_id)
    if application_id is not None:
        queryset = queryset.filter(application_id=application_id)
    if candidate_id is not None:
        queryset = queryset.filter(application__candidate_id=candidate_id)
    if interviewer_user_id is not None:
        queryset = queryset.filter(participants__user_id=interviewer_user_id)
    if status:
        statuses = [s.strip() for s in status.split(",") if s.strip()]
        queryset = queryset.filter(status__in=statuses)
    parsed_day = parse_day(day, field="date")
    if parsed_day is not None:
        start = datetime(parsed_day.year, parsed_day.month, parsed_day.day, tzinfo=UTC)
        queryset = queryset.filter(start_at__gte=start, start_at__lt=start + timedelta(days=1))
    lower = parse_bound(date_from, field="date_from")
    upper = parse_bound(date_to, field="date_to", end_of_day=True)
    if lower is not None:
        queryset = queryset.filter(start_at__gte=lower)
    if upper is not None:
        queryset = queryset.filter(start_at__lt=upper)
    return queryset


# --- availability ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def _subtract(spans: list[Interval], holes: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    holes = _merge(holes)
    for span in spans:
        cursor = span.start
        for hole in holes:
            if hole.end <= cursor or hole.start >= span.end:
                continue
            if hole.start > cursor:
                result.append(Interval(cursor, hole.start))
            cursor = max(cursor, hole.end)
        if cursor < span.end:
            result.append(Interval(cursor, span.end))
    return result


def working_intervals(rows: list[WorkingHours], start: datetime, end: datetime) -> list[Interval]:
    """Weekly working hours laid out on the calendar between start and end, in UTC.

    Each day is built in the row's own zone, so 09:00 New York is 14:00 UTC in winter and
    13:00 UTC in summer; a wall time inside a DST gap moves forward as the clock does.
    """
    intervals: list[Interval] = []
    for row in rows:
        tz = safe_zone(row.timezone)
        day = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date() + timedelta(days=1)
        while day <= last:
            if day.weekday() == row.weekday:
                local_start = datetime.combine(day, row.start_time, tzinfo=tz)
                local_end = datetime.combine(day, row.end_time, tzinfo=tz)
                utc_start, utc_end = local_start.astimezone(UTC), local_end.astimezone(UTC)
                if utc_end > start and utc_start < end:
                    intervals.append(Interval(max(utc_start, start), min(utc_end, end)))
            day += timedelta(days=1)
    return _merge(intervals)


def busy_slots(*, company, user_ids: list[int], start: datetime, end: datetime) -> list[InterviewParticipant]:
    """Blocking interview slots of users overlapping [start, end), read from one index."""
    return list(
        InterviewParticipant.objects.filter(
            company=company,
            user_id__in=user_ids,
            is_blocking=True,
            start_at__lt=end,
            start_at__gt=start - MAX_DURATION,
            end_at__gt=start,
        )
        .select_related("interview")
        .only("user_id", "start_at", "end_at", "interview_id", "interview__type", "interview__status")
        .order_by("start_at", "pk")
    )


def availability(*, company, user, start: datetime, end: datetime) -> dict:
    """Busy intervals (interviews), working hours and the free time left inside them, in UTC."""
    if end <= start:
        raise ValidationFailed({"date_to": "Must be after date_from."})
    if end - start > timedelta(days=MAX_AVAILABILITY_DAYS):
        raise ValidationFailed({"date_to": f"The range may span at most {MAX_AVAILABILITY_DAYS} days."})
    slots = busy_slots(company=company, user_ids=[user.pk], start=start, end=end)
    hours = list(WorkingHours.objects.filter(company=company, user=user))
    working = working_intervals(hours, start, end)
    busy = [Interval(max(s.start_at, start), min(s.end_at, end)) for s in slots]
    return {
        "user_id": user.pk,
        "timezone": user.timezone,
        "date_from": start,
        "date_to": end,
        "busy": [
            {
                "start_time": s.start_at,
                "end_time": s.end_at,
                "interview_id": s.interview_id,
                "type": s.interview.type,
                "status": s.interview.status,
            }
            for s in slots
        ],
        "working_hours": [{"start_time": i.start, "end_time": i.end} for i in working],
        "free": [{"start_time": i.start, "end_time": i.end} for i in _subtract(working, busy)],
        "has_working_hours": bool(hours),
    }


def working_hours(*, company, user) -> list[WorkingHours]:
    return list(WorkingHours.objects.filter(company=company, user=user).order_by("weekday", "start_time", "pk"))
