"""Interviews: schedule for an application, list and filter, reschedule, cancel, complete,
interviewer availability and working hours."""

from datetime import datetime, timedelta

from ninja import Query, Router

from hireloop.accounts.authentication import AuthContext
from hireloop.accounts.selectors import get_company_user
from hireloop.applications.models import Application
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.errors import NotFound, ValidationFailed
from hireloop.core.pagination import ListQuery, apply_sync_filters, paged, paginate
from hireloop.core.times import now, parse_time
from hireloop.interviews import schemas, selectors, services
from hireloop.interviews.models import Interview

router = Router(tags=["interviews"])

INCLUDES = {"candidate", "application", "job"}


def _includes(value: str | None) -> set[str]:
    names = {part.strip() for part in (value or "").split(",") if part.strip()}
    unknown = names - INCLUDES
    if unknown:
        raise ValidationFailed(
            {"include": f"Unknown include {', '.join(sorted(unknown))}: use candidate, application, job."}
        )
    return names


def _local(start: datetime, end: datetime, tz_name: str | None) -> dict:
    tz = services.safe_zone(tz_name)
    return {"timezone": tz.key, "start": start.astimezone(tz).isoformat(), "end": end.astimezone(tz).isoformat()}


def interview_out(interview: Interview, include: set[str] = frozenset()) -> dict:
    application = interview.application
    candidate = application.candidate
    participants = list(interview.participants.all())
    out = {
        "id": interview.pk,
        "application_id": application.pk,
        "candidate_id": candidate.pk,
        "job_id": application.job_id,
        "type": interview.type,
        "status": interview.status,
        "start_time": interview.start_at,
        "end_time": interview.end_at,
        "duration_minutes": int((interview.end_at - interview.start_at).total_seconds() // 60),
        "timezone": interview.timezone,
        "location": interview.location,
        "video_url": interview.video_url,
        "notes": interview.notes,
        "evaluation_template_id": interview.evaluation_template_id,
        "interviewer_ids": [p.user_id for p in participants],
        "interviewers": [
            {
                "user_id": p.user_id,
                "name": p.user.full_name,
                "email": p.user.email,
                "response_status": p.response_status,
                "local_time": _local(interview.start_at, interview.end_at, p.user.timezone),
            }
            for p in participants
        ],
        "candidate_response": interview.candidate_response,
        "candidate_local_time": _local(interview.start_at, interview.end_at, candidate.timezone or interview.timezone),
        "ics_uid": interview.ics_uid,
        "sequence": interview.ics_sequence,
        "cancel_reason": interview.cancel_reason,
        "cancelled_at": interview.cancelled_at,
        "completed_at": interview.completed_at,
        "created_by_user_id": interview.created_by_id,
        "created_at": interview.created_at,
        "updated_at": interview.updated_at,
    }
    if "candidate" in include:
        out["candidate"] = {
            "id": candidate.pk,
            "alias": candidate.alias,
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "email": candidate.email,
            "timezone": candidate.timezone,
        }
    if "application" in include:
        out["application"] = {
            "id": application.pk,
            "candidate_id": candidate.pk,
            "job_id": application.job_id,
            "stage_id": application.stage_id,
            "status": application.status,
        }
    if "job" in include:
        job = application.job
        out["job"] = {"id": job.pk, "alias": job.alias, "title": job.title, "status": job.status}
    return out


def _application(ctx: AuthContext, application_id: int) -> Application:
    application = (
        Application.objects.filter(company=ctx.company, pk=application_id).select_related("candidate", "job").first()
    )
    if application is None:
        raise NotFound("Application not found")
    return application


def _time(value, field: str) -> datetime | None:
    return parse_time(value, field=field)


# --- interviews ---------------------------------------------------------------------------------


@router.post("/applications/{int:application_id}/interviews", response={201: schemas.InterviewOut})
def create_interview(request, application_id: int, payload: schemas.InterviewCreateIn, include: str | None = None):
    """Schedule an interview; 409 names the conflicting interview unless allow_conflict is true."""
    ctx: AuthContext = request.auth
    ctx.require("schedule_interviews")
    includes = _includes(include)
    interview = services.schedule_interview(
        company=ctx.company,
        actor=ctx.user,
        application=_application(ctx, application_id),
        start=_time(payload.start_time, "start_time"),
        end=_time(payload.end_time, "end_time"),
        interviewer_ids=payload.interviewer_ids,
        type=payload.type,
        timezone_name=payload.timezone,
        location=payload.location,
        video_url=payload.video_url,
        notes=payload.notes,
        evaluation_template_id=payload.evaluation_template_id,
        allow_conflict=payload.allow_conflict,
    )
    return 201, interview_out(selectors.get_interview(company=ctx.company, interview_id=interview.pk), includes)


@router.get("/interviews", response=paged("interviews", schemas.InterviewOut))
def list_interviews(request, query: Query[schemas.InterviewsQuery]):
    """Interviews of the company, filterable (map §16) plus status and date_from/date_to."""
    ctx: AuthContext = request.auth
    ctx.require("view_applications")
    includes = _includes(query.include)
    queryset = selectors.filter_interviews(
        selectors.interviews(company=ctx.company),
        job_id=query.job_id,
        application_id=query.application_id,
        candidate_id=query.candidate_id,
        interviewer_user_id=query.interviewer_user_id,
        status=query.status,
        day=query.date,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    page = paginate(apply_sync_filters(queryset, query), key="interviews", page=query.page, size=query.size)
    page["interviews"] = [interview_out(i, includes) for i in page["interviews"]]
    return page


@router.get("/interviews/{int:interview_id}", response=schemas.InterviewOut)
def get_interview(request, interview_id: int, include: str | None = None):
    ctx: AuthContext = request.auth
    ctx.require("view_applications")
    includes = _includes(include)
    return interview_out(selectors.get_interview(company=ctx.company, interview_id=interview_id), includes)


@router.put("/interviews/{int:interview_id}", response=schemas.InterviewOut)
def update_interview(request, interview_id: int, payload: schemas.InterviewUpdateIn, include: str | None = None):
    """Change an interview; a new time sends updated invitations with the next SEQUENCE."""
    ctx: AuthContext = request.auth
    ctx.require("schedule_interviews")
    includes = _includes(include)
    interview = selectors.get_interview(company=ctx.company, interview_id=interview_id)
    changes = payload.dict(exclude_unset=True)
    changes.pop("allow_conflict", None)
    for field in ("location", "video_url", "notes"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    if changes.get("start_time") is not None:
        changes["start_at"] = _time(changes["start_time"], "start_time")
    if changes.get("end_time") is not None:
        changes["end_at"] = _time(changes["end_time"], "end_time")
    changes.pop("start_time", None)
    changes.pop("end_time", None)
    for field in ("type", "timezone", "candidate_response", "interviewer_ids"):
        if field in changes and changes[field] is None:
            changes.pop(field)
    services.update_interview(
        company=ctx.company, actor=ctx.user, interview=interview, allow_conflict=payload.allow_conflict, **changes
    )
    return interview_out(selectors.get_interview(company=ctx.company, interview_id=interview_id), includes)


@router.post("/interviews/{int:interview_id}/cancel", response=schemas.InterviewOut)
def cancel_interview(request, interview_id: int, payload: schemas.CancelIn | None = None):
    """Cancel and send everyone an iCalendar CANCEL."""
    ctx: AuthContext = request.auth
    ctx.require("schedule_interviews")
    interview = selectors.get_interview(company=ctx.company, interview_id=interview_id)
    services.cancel_interview(
        company=ctx.company, actor=ctx.user, interview=interview, reason=payload.reason if payload else ""
    )
    return interview_out(selectors.get_interview(company=ctx.company, interview_id=interview_id))


@router.post("/interviews/{int:interview_id}/complete", response=schemas.InterviewOut)
def complete_interview(request, interview_id: int, payload: schemas.CompleteIn | None = None):
    """Mark completed (or `{"status": "no_show"}`)."""
    ctx: AuthContext = request.auth
    ctx.require("schedule_interviews")
    interview = selectors.get_interview(company=ctx.company, interview_id=interview_id)
    services.complete_interview(
        company=ctx.company, actor=ctx.user, interview=interview, status=payload.status if payload else "completed"
    )
    return interview_out(selectors.get_interview(company=ctx.company, interview_id=interview_id))


@router.post("/interviews/{int:interview_id}/respond", response=schemas.InterviewOut)
def respond_to_interview(request, interview_id: int, payload: schemas.RespondIn):
    """The calling interviewer accepts, declines or tentatively accepts the invitation."""
    ctx: AuthContext = request.auth
    ctx.require("view_applications")
    interview = selectors.get_interview(company=ctx.company, interview_id=interview_id)
    services.respond_to_interview(company=ctx.company, actor=ctx.user, interview=interview, response=payload.response)
    return interview_out(selectors.get_interview(company=ctx.company, interview_id=interview_id))


@router.get("/candidates/{candidate_id}/interviews", response=paged("interviews", schemas.InterviewOut))
def candidate_interviews(request, candidate_id: str, query: Query[ListQuery], include: str | None = None):
    """Interviews across all of a candidate's applications (id or alias)."""
    ctx: AuthContext = request.auth
    ctx.require("view_applications")
    includes = _includes(include)
    candidate = get_by_id_or_alias(Candidate.objects.filter(company=ctx.company), candidate_id, label="Candidate")
    queryset = selectors.filter_interviews(selectors.interviews(company=ctx.company), candidate_id=candidate.pk)
    page = paginate(queryset, key="interviews", page=query.page, size=query.size)
    page["interviews"] = [interview_out(i, includes) for i in page["interviews"]]
    return page


# --- availability and working hours ---------------------------------------------------------------


@router.get("/users/{int:user_id}/availability", response=schemas.AvailabilityOut)
def user_availability(request, user_id: int, query: Query[schemas.AvailabilityQuery]):
    """Busy intervals from interviews, working hours and free time between date_from and date_to (UTC)."""
    ctx: AuthContext = request.auth
    ctx.require("view_team")
    user = get_company_user(company=ctx.company, user_id=user_id)
    start = selectors.parse_bound(query.date_from, field="date_from") or now().replace(microsecond=0)
    end = selectors.parse_bound(query.date_to, field="date_to", end_of_day=True) or start + timedelta(days=7)
    return selectors.availability(company=ctx.company, user=user, start=start, end=end)


def _working_hours_out(user, rows) -> dict:
    return {
        "user_id": user.pk,
        "working_hours": [
            {"weekday": r.weekday, "start": r.start_time, "end": r.end_time, "timezone": r.timezone} for r in rows
        ],
    }


@router.get("/users/{int:user_id}/working-hours", response=schemas.WorkingHoursOut)
def get_working_hours(request, user_id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_team")
    user = get_company_user(company=ctx.company, user_id=user_id)
    return _working_hours_out(user, selectors.working_hours(company=ctx.company, user=user))


@router.put("/users/{int:user_id}/working-hours", response=schemas.WorkingHoursOut)
def put_working_hours(request, user_id: int, payload: schemas.WorkingHoursIn):
    """Replace a user's weekly working hours (their own, or anyone's for admins)."""
    ctx: AuthContext = request.auth
    ctx.require("view_team")
    user = get_company_user(company=ctx.company, user_id=user_id)
    if user.pk != ctx.user.pk:
        ctx.require("manage_team")
    intervals = [
        services.WorkingInterval(
            weekday=item.weekday, start=item.start, end=item.end, timezone=item.timezone or user.timezone or "UTC"
        )
        for item in payload.working_hours
    ]
    rows = services.set_working_hours(company=ctx.company, actor=ctx.user, user=user, intervals=intervals)
    return _working_hours_out(user, rows)
