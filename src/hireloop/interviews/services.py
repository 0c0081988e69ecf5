"""Every state change of interviews: scheduling, rescheduling, cancelling, completing,
attendee responses, working hours, invitations (iCalendar) and reminders."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import escape

from hireloop.accounts.models import Membership, User
from hireloop.activity.services import record
from hireloop.core.errors import Conflict, Forbidden, ValidationFailed
from hireloop.interviews.models import (
    Interview,
    InterviewParticipant,
    InterviewStatus,
    InterviewType,
    ResponseStatus,
    WorkingHours,
)
from hireloop.messaging import services as messaging

# No interview lasts longer than this; it also bounds the index range a conflict check scans.
MAX_DURATION = timedelta(hours=24)
ATTENDEE_FIELDS = ("start_at", "end_at", "location", "video_url", "type")
PARTSTAT = {
    ResponseStatus.NEEDS_ACTION: "NEEDS-ACTION",
    ResponseStatus.ACCEPTED: "ACCEPTED",
    ResponseStatus.DECLINED: "DECLINED",
    ResponseStatus.TENTATIVE: "TENTATIVE",
}


# --- time zones ------------------------------------------------------------------------------


def zone(name: str | None, *, field: str = "timezone") -> ZoneInfo:
    """A ZoneInfo for an IANA name, or a validation error naming `field`."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed({field: f"Unknown time zone {name!r}: use an IANA name like Europe/Paris."}) from None


def safe_zone(name: str | None) -> ZoneInfo:
    """The zone of a stored name, UTC when it is empty or unknown (presentation never fails)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time_text(start: datetime, end: datetime, tz_name: str | None) -> str:
    """'Tuesday 10 March 2026, 09:00–10:00 (America/New_York, UTC-04:00)' for an email."""
    tz = safe_zone(tz_name)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    offset = local_start.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    end_text = local_end.strftime("%H:%M") if local_end.date() == local_start.date() else f"{local_end:%d %B %H:%M}"
    return f"{local_start:%A %d %B %Y, %H:%M}–{end_text} ({tz.key}, {offset})"


# --- sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content: bytes
    mime_type: str


def send_email(
    *,
    company,
    to: list[str],
    subject: str,
    body_html: str,
    body_text: str,
    attachments: list[Attachment] | None = None,
    candidate=None,
    application=None,
    actor=None,
    kind: str = "notification",
    related: tuple[str, int] | None = None,
) -> None:
    """The one place interviews and evaluations send email (call it inside the transaction):
    messaging stores the message and delivers it after commit."""
    messaging.send_email(
        company=company,
        to=to,
        subject=subject,
        body_html=body_html,
        body_text=body_text,
        attachments=[(a.file_name, a.content, a.mime_type) for a in attachments or []],
        candidate=candidate,
        application=application,
        actor=actor,
        kind=kind,
        related=related,
    )


# --- iCalendar ---------------------------------------------------------------------------------


def _organizer_address() -> tuple[str, str]:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or "Hireloop", address or "no-reply@hireloop.local"


def _summary(interview: Interview) -> str:
    candidate = interview.application.candidate
    job = interview.application.job
    return f"{interview.get_type_display()} interview: {candidate.full_name or candidate.email} – {job.title}"


def build_ics(
    interview: Interview,
    *,
    method: str,
    participants: Iterable[InterviewParticipant],
    for_interviewers: bool,
) -> bytes:
    """An RFC 5545 calendar with one VEVENT: METHOD REQUEST (new or changed) or CANCEL.

    UID never changes and SEQUENCE is the interview's current one, so calendar clients update
    the same event in place. Notes for interviewers only go into the interviewers' copy.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Hireloop//Interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", interview.ics_uid)
    event.add("sequence", interview.ics_sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", interview.start_at.astimezone(UTC))
    event.add("dtend", interview.end_at.astimezone(UTC))
    event.add("summary", _summary(interview))
    location = interview.location or interview.video_url
    if location:
        event.add("location", location)
    if interview.video_url:
        event.add("url", interview.video_url)
    description = [f"Time zone of the interview: {interview.timezone}"]
    if interview.video_url:
        description.append(f"Join: {interview.video_url}")
    if for_interviewers and interview.notes:
        description.append(f"Notes for interviewers: {interview.notes}")
    if method == "CANCEL" and interview.cancel_reason:
        description.append(f"Cancelled: {interview.cancel_reason}")
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer_name, organizer_email = _organizer_address()
    organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = icalendar.vText(organizer_name)
    event["organizer"] = organizer
    candidate = interview.application.candidate
    people = [(candidate.email, candidate.full_name, PARTSTAT[interview.candidate_response])] if candidate.email else []
    people += [(p.user.email, p.user.full_name, PARTSTAT[p.response_status]) for p in participants]
    for email, name, partstat in people:
        attendee = icalendar.vCalAddress(f"mailto:{email}")
        if name:
            attendee.params["cn"] = icalendar.vText(name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText(partstat)
        attendee.params["rsvp"] = icalendar.vText("TRUE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def _ics_attachment(content: bytes, method: str) -> Attachment:
    name = "invite.ics" if method == "REQUEST" else "cancel.ics"
    return Attachment(name, content, f"text/calendar; method={method}")


def _notify(
    interview: Interview,
    *,
    method: str,
    heading: str,
    kind: str,
    actor,
    participants: list[InterviewParticipant] | None = None,
    include_candidate: bool = True,
    attach_calendar: bool = True,
) -> int:
    """Email the candidate and each interviewer their own copy, with times in their own zone."""
    everyone = list(interview.participants.select_related("user").order_by("pk"))
    if participants is None:
        participants = everyone
    application = interview.application
    candidate = application.candidate
    job = application.job
    sent = 0
    recipients: list[tuple[str, str, str, bool]] = []
    if include_candidate and candidate.email:
        recipients.append((candidate.email, candidate.full_name, candidate.timezone or interview.timezone, False))
    recipients += [(p.user.email, p.user.full_name, p.user.timezone, True) for p in participants]
    calendars: dict[bool, bytes] = {}
    for email, name, tz_name, is_interviewer in recipients:
        if attach_calendar and is_interviewer not in calendars:
            calendars[is_interviewer] = build_ics(
                interview, method=method, participants=everyone, for_interviewers=is_interviewer
            )
        when = local_time_text(interview.start_at, interview.end_at, tz_name)
        lines = [
            f"Hello {name or email},",
            "",
            f"{heading}: {interview.get_type_display()} interview for {job.title}"
            + (f" with {candidate.full_name}" if is_interviewer else "")
            + ".",
            f"When: {when}",
        ]
        if interview.location:
            lines.append(f"Where: {interview.location}")
        if interview.video_url:
            lines.append(f"Video link: {interview.video_url}")
        if is_interviewer:
            lines.append("Interviewers: " + ", ".join(p.user.full_name or p.user.email for p in everyone))
            if interview.notes:
                lines.append(f"Notes: {interview.notes}")
        if method == "CANCEL" and interview.cancel_reason:
            lines.append(f"Reason: {interview.cancel_reason}")
        text = "\n".join(lines)
        html = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
        send_email(
            company=interview.company,
            to=[email],
            subject=f"{heading}: {job.title} – {candidate.full_name or 'candidate'}",
            body_html=html,
            body_text=text,
            attachments=[_ics_attachment(calendars[is_interviewer], method)] if attach_calendar else None,
            candidate=None if is_interviewer else candidate,
            application=application,
            actor=actor,
            kind=kind,
            related=("interview", interview.pk),
        )
        sent += 1
    return sent


# --- validation helpers ------------------------------------------------------------------------


def _check_times(start: datetime, end: datetime) -> None:
    if end <= start:
        raise ValidationFailed({"end_time": "Must be after start_time."})
    if end - start > MAX_DURATION:
        raise ValidationFailed({"end_time": "An interview lasts at most 24 hours."})


def _lock_interviewers(*, company, user_ids: list[int]) -> list[User]:
    """The interviewers as company users, their memberships locked in id order so two schedulers
    of the same person serialise their conflict checks (no double booking under concurrency)."""
    unique_ids = list(dict.fromkeys(user_ids))
    if not unique_ids:
        raise ValidationFailed({"interviewer_ids": "At least one interviewer is required."})
    memberships = list(
        Membership.objects.select_for_update()
        .filter(company=company, user_id__in=unique_ids, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    found = {m.user_id: m.user for m in memberships}
    missing = [str(i) for i in unique_ids if i not in found]
    if missing:
        raise ValidationFailed({"interviewer_ids": f"Not users of this company: {', '.join(missing)}."})
    return [found[i] for i in unique_ids]


def find_conflicts(
    *, company, user_ids: list[int], start: datetime, end: datetime, exclude_interview_id: int | None = None
) -> list[InterviewParticipant]:
    """Blocking interview slots of these users that overlap [start, end)."""
    rows = InterviewParticipant.objects.filter(
        company=company,
        user_id__in=user_ids,
        is_blocking=True,
        start_at__lt=end,
        start_at__gt=start - MAX_DURATION,
        end_at__gt=start,
    )
    if exclude_interview_id is not None:
        rows = rows.exclude(interview_id=exclude_interview_id)
    return list(rows.select_related("user").order_by("start_at", "pk"))


def _raise_on_conflicts(conflicts: list[InterviewParticipant]) -> None:
    if not conflicts:
        return
    details = [
        {
            "interviewer_user_id": c.user_id,
            "interviewer_name": c.user.full_name or c.user.email,
            "interview_id": c.interview_id,
            "start_time": int(c.start_at.timestamp()),
            "end_time": int(c.end_at.timestamp()),
        }
        for c in conflicts
    ]
    first = conflicts[0]
    message = (
        f"{first.user.full_name or first.user.email} (user {first.user_id}) already has interview "
        f"{first.interview_id} from {first.start_at:%Y-%m-%d %H:%M} to {first.end_at:%H:%M} UTC"
    )
    if len(conflicts) > 1:
        message += f" (and {len(conflicts) - 1} more conflict{'s' if len(conflicts) > 2 else ''})"
    raise Conflict(message + "; send allow_conflict: true to book anyway.", conflicts=details)


def _template(*, company, template_id: int | None):
    if template_id is None:
        return None
    from hireloop.evaluations.models import EvaluationTemplate

    template = EvaluationTemplate.objects.filter(company=company, pk=template_id, deleted_at__isnull=True).first()
    if template is None:
        raise ValidationFailed({"evaluation_template_id": "Evaluation form template not found."})
    return template


def _event(kind: str, interview: Interview, actor, data: dict | None = None) -> None:
    application = interview.application
    record(
        kind=kind,
        company=interview.company,
        subject=interview,
        actor=actor,
        candidate_id=application.candidate_id,
        job_id=application.job_id,
        data={"application_id": application.pk, **(data or {})},
    )


def _schedule_reminder(interview: Interview) -> None:
    from hireloop.interviews.tasks import send_interview_reminder

    minutes = settings.INTERVIEW_REMINDER_MINUTES
    if minutes <= 0:
        return
    due = interview.start_at - timedelta(minutes=minutes)
    if due <= timezone.now():
        return  # the invitation itself is the reminder
    transaction.on_commit(
        lambda: send_interview_reminder.using(run_after=due).enqueue(
            interview.pk, interview.ics_sequence, int(interview.start_at.timestamp())
        )
    )


# --- interviews ----------------------------------------------------------------------------------


@transaction.atomic
def schedule_interview(
    *,
    company,
    actor,
    application,
    start: datetime,
    end: datetime,
    interviewer_ids: list[int],
    type: str = InterviewType.VIDEO,
    timezone_name: str | None = None,
    location: str = "",
    video_url: str = "",
    notes: str = "",
    evaluation_template_id: int | None = None,
    allow_conflict: bool = False,
) -> Interview:
    """Book an interview for an application, check interviewers' calendars, send invitations."""
    _check_times(start, end)
    zone(timezone_name or "UTC")
    interviewers = _lock_interviewers(company=company, user_ids=interviewer_ids)
    template = _template(company=company, template_id=evaluation_template_id)
    if not allow_conflict:
        _raise_on_conflicts(
            find_conflicts(company=company, user_ids=[u.pk for u in interviewers], start=start, end=end)
        )
    interview = Interview.objects.create(
        company=company,
        application=application,
        type=type,
        start_at=start,
        end_at=end,
        timezone=timezone_name or "UTC",
        location=location,
        video_url=video_url,
        notes=notes,
        evaluation_template=template,
        ics_uid=f"{uuid.uuid4()}@hireloop",
        created_by=actor,
    )
    InterviewParticipant.objects.bulk_create(
        [
            InterviewParticipant(company=company, interview=interview, user=user, start_at=start, end_at=end)
            for user in interviewers
        ]
    )
    _event(
        "interview.scheduled",
        interview,
        actor,
        {
            "start_time": int(start.timestamp()),
            "end_time": int(end.timestamp()),
            "interviewer_ids": [u.pk for u in interviewers],
            "type": type,
            "allow_conflict": allow_conflict,
        },
    )
    _notify(interview, method="REQUEST", heading="Interview invitation", kind="interview_invitation", actor=actor)
    _schedule_reminder(interview)
    return interview


def _lock(interview: Interview) -> Interview:
    return (
        Interview.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "application__job", "company")
        .get(pk=interview.pk)
    )


def _require_scheduled(interview: Interview, action: str) -> None:
    if interview.status != InterviewStatus.SCHEDULED:
        raise Conflict(f"Cannot {action} an interview that is {interview.status}.")


@transaction.atomic
def update_interview(*, company, actor, interview: Interview, allow_conflict: bool = False, **changes) -> Interview:
    """Change an interview. A new time, place, type or panel sends updated invitations with the next
    SEQUENCE (and a CANCEL to removed interviewers); a stale reminder will not fire."""
    interview = _lock(interview)
    _require_scheduled(interview, "change")
    start = changes.pop("start_at", None) or interview.start_at
    end = changes.pop("end_at", None) or interview.end_at
    _check_times(start, end)
    interviewer_ids = changes.pop("interviewer_ids", None)
    if "timezone" in changes:
        zone(changes["timezone"])
    if "evaluation_template_id" in changes:
        interview.evaluation_template = _template(company=company, template_id=changes.pop("evaluation_template_id"))
    current = list(interview.participants.select_related("user").order_by("pk"))
    current_ids = [p.user_id for p in current]
    new_ids = current_ids if interviewer_ids is None else list(dict.fromkeys(interviewer_ids))
    interviewers = _lock_interviewers(company=company, user_ids=new_ids)
    before = {f: getattr(interview, f) for f in (*ATTENDEE_FIELDS, "timezone", "notes", "candidate_response")}
    interview.start_at, interview.end_at = start, end
    for field, value in changes.items():
        setattr(interview, field, value)
    changed = [f for f, old in before.items() if getattr(interview, f) != old]
    added = [u for u in interviewers if u.pk not in current_ids]
    removed = [p for p in current if p.user_id not in new_ids]
    times_changed = "start_at" in changed or "end_at" in changed
    if not allow_conflict and (times_changed or added):
        checked = [u.pk for u in interviewers] if times_changed else [u.pk for u in added]
        _raise_on_conflicts(
            find_conflicts(company=company, user_ids=checked, start=start, end=end, exclude_interview_id=interview.pk)
        )
    resend = bool(added or removed or any(f in ATTENDEE_FIELDS for f in changed))
    if resend:
        interview.ics_sequence += 1
    interview.save()
    if times_changed:
        InterviewParticipant.objects.filter(interview=interview).update(start_at=start, end_at=end)
        if interview.candidate_response != ResponseStatus.NEEDS_ACTION:
            interview.candidate_response = ResponseStatus.NEEDS_ACTION
            interview.save(update_fields=["candidate_response", "updated_at"])
        InterviewParticipant.objects.filter(interview=interview).update(response_status=ResponseStatus.NEEDS_ACTION)
    if removed:
        InterviewParticipant.objects.filter(pk__in=[p.pk for p in removed]).delete()
    InterviewParticipant.objects.bulk_create(
        [InterviewParticipant(company=company, interview=interview, user=u, start_at=start, end_at=end) for u in added]
    )
    if not (changed or added or removed):
        return interview
    data = {"changed": changed, "added_interviewer_ids": [u.pk for u in added]}
    data["removed_interviewer_ids"] = [p.user_id for p in removed]
    if times_changed:
        data["previous_start_time"] = int(before["start_at"].timestamp())
        data["previous_end_time"] = int(before["end_at"].timestamp())
    data["sequence"] = interview.ics_sequence
    _event("interview.updated", interview, actor, data)
    if resend:
        if removed:
            _notify(
                interview,
                method="CANCEL",
                heading="Interview cancelled",
                kind="interview_cancellation",
                actor=actor,
                participants=removed,
                include_candidate=False,
            )
        heading = "Interview rescheduled" if times_changed else "Interview updated"
        _notify(interview, method="REQUEST", heading=heading, kind="interview_invitation", actor=actor)
        _schedule_reminder(interview)  # the queued one carries the old sequence and will not send
    return interview


@transaction.atomic
def cancel_interview(*, company, actor, interview: Interview, reason: str = "") -> Interview:
    """Cancel: frees the interviewers' time and sends everyone an iCalendar CANCEL."""
    interview = _lock(interview)
    _require_scheduled(interview, "cancel")
    interview.status = InterviewStatus.CANCELLED
    interview.cancel_reason = reason
    interview.cancelled_at = timezone.now()
    interview.ics_sequence += 1
    interview.save()
    InterviewParticipant.objects.filter(interview=interview).update(is_blocking=False)
    _event("interview.cancelled", interview, actor, {"reason": reason, "sequence": interview.ics_sequence})
    _notify(interview, method="CANCEL", heading="Interview cancelled", kind="interview_cancellation", actor=actor)
    return interview


@transaction.atomic
def complete_interview(*, company, actor, interview: Interview, status: str = InterviewStatus.COMPLETED) -> Interview:
    """Mark an interview completed (or no_show); completed ones start the evaluation-overdue clock."""
    from hireloop.interviews.tasks import remind_overdue_evaluations as overdue_evaluations_task

    interview = _lock(interview)
    _require_scheduled(interview, "complete")
    interview.status = status
    interview.completed_at = timezone.now()
    interview.save()
    _event(f"interview.{status}", interview, actor)
    if status == InterviewStatus.COMPLETED:
        due = max(interview.end_at, interview.completed_at) + timedelta(hours=settings.EVALUATION_OVERDUE_HOURS)
        transaction.on_commit(lambda: overdue_evaluations_task.using(run_after=due).enqueue(interview.pk))
    return interview


@transaction.atomic
def respond_to_interview(*, company, actor, interview: Interview, response: str, as_candidate: bool = False):
    """Record an attendee's answer to the invitation (the caller's own, or the candidate's)."""
    interview = _lock(interview)
    _require_scheduled(interview, "answer")
    if as_candidate:
        previous = interview.candidate_response
        interview.candidate_response = response
        interview.save(update_fields=["candidate_response", "updated_at"])
        data = {"attendee": "candidate", "response": response, "previous": previous}
    else:
        participant = interview.participants.filter(user=actor).first()
        if participant is None:
            raise Forbidden("Only an interviewer of this interview can answer its invitation.")
        data = {"attendee": "interviewer", "user_id": actor.pk, "response": response}
        data["previous"] = participant.response_status
        participant.response_status = response
        participant.save(update_fields=["response_status", "updated_at"])
        interview.save(update_fields=["updated_at"])
    _event("interview.response_updated", interview, actor, data)
    return interview


@transaction.atomic
def send_reminder(*, interview_id: int, sequence: int, start_timestamp: int) -> bool:
    """Send the pre-interview reminder if, right now, it is still the same interview: scheduled,
    same SEQUENCE and start, and not reminded yet. A reschedule or cancel makes it a no-op."""
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "application__job", "company")
        .filter(pk=interview_id)
        .first()
    )
    if (
        interview is None
        or interview.status != InterviewStatus.SCHEDULED
        or interview.ics_sequence != sequence
        or int(interview.start_at.timestamp()) != start_timestamp
        or interview.reminder_sent_sequence == sequence
        or interview.start_at <= timezone.now()
    ):
        return False
    interview.reminder_sent_sequence = sequence
    interview.save(update_fields=["reminder_sent_sequence"])
    _event("interview.reminder_sent", interview, None, {"sequence": sequence})
    _notify(
        interview,
        method="REQUEST",
        heading="Reminder",
        kind="interview_reminder",
        actor=None,
        attach_calendar=False,
    )
    return True


# --- working hours ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingInterval:
    weekday: int
    start: time
    end: time
    timezone: str


@transaction.atomic
def set_working_hours(*, company, actor, user: User, intervals: list[WorkingInterval]) -> list[WorkingHours]:
    """Replace a user's weekly working hours in this company (only they or an admin may)."""
    for index, interval in enumerate(intervals):
        zone(interval.timezone, field=f"working_hours.{index}.timezone")
        if not 0 <= interval.weekday <= 6:
            raise ValidationFailed({f"working_hours.{index}.weekday": "Must be 0 (Monday) to 6 (Sunday)."})
        if interval.end <= interval.start:
            raise ValidationFailed({f"working_hours.{index}.end": "Must be after start."})
    WorkingHours.objects.filter(company=company, user=user).delete()
    rows = WorkingHours.objects.bulk_create(
        [
            WorkingHours(
                company=company, user=user, weekday=i.weekday, start_time=i.start, end_time=i.end, timezone=i.timezone
            )
            for i in intervals
        ]
    )
    record(
        kind="working_hours.updated",
        company=company,
        subject=user,
        subject_type="user",
        actor=actor,
        data={"intervals": len(rows)},
    )
    return rows


@transaction.atomic
def remind_overdue_evaluations(*, interview_id: int) -> int:
    """One reminder email to each interviewer of a completed interview who has not submitted an
    evaluation of the application yet (never twice). Returns how many were reminded."""
    from hireloop.evaluations.models import EvaluationForm, FormStatus

    interview = (
        Interview.objects.select_related("application__candidate", "application__job", "company")
        .filter(pk=interview_id, status=InterviewStatus.COMPLETED)
        .first()
    )
    if interview is None:
        return 0
    submitted = set(
        EvaluationForm.objects.filter(
            company=interview.company, application=interview.application, status=FormStatus.SUBMITTED
        )
        .filter(models.Q(interview=interview) | models.Q(interview__isnull=True))
        .values_list("evaluator_id", flat=True)
    )
    due = list(
        InterviewParticipant.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(interview=interview, evaluation_reminder_sent_at__isnull=True)
        .exclude(user_id__in=submitted)
        .order_by("pk")
    )
    if not due:
        return 0
    application = interview.application
    now = timezone.now()
    for participant in due:
        participant.evaluation_reminder_sent_at = now
        participant.save(update_fields=["evaluation_reminder_sent_at", "updated_at"])
        when = local_time_text(interview.start_at, interview.end_at, participant.user.timezone)
        candidate_name = application.candidate.full_name or "the candidate"
        text = (
            f"Hello {participant.user.full_name or participant.user.email},\n\n"
            f"Your evaluation of {candidate_name} for {application.job.title} (interview on {when}) "
            "has not been submitted yet. Please fill in and submit your evaluation form."
        )
        send_email(
            company=interview.company,
            to=[participant.user.email],
            subject=f"Evaluation overdue: {candidate_name} – {application.job.title}",
            body_html="".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n")),
            body_text=text,
            application=application,
            kind="evaluation_reminder",
            related=("interview", interview.pk),
        )
    _event("evaluation.reminder_sent", interview, None, {"user_ids": [p.user_id for p in due]})
    return len(due)
