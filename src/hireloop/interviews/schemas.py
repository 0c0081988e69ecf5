from datetime import time
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from hireloop.core.pagination import SyncQuery
from hireloop.core.times import OptionalUnixTime, UnixTime

InterviewTypeIn = Literal["phone", "video", "onsite", "technical", "panel"]
ResponseIn = Literal["needs_action", "accepted", "declined", "tentative"]


class InterviewCreateIn(Schema):
    start_time: int | str = Field(..., description="Unix seconds (or ISO-8601 with offset).")
    end_time: int | str = Field(..., description="Unix seconds; after start_time.")
    interviewer_ids: list[int] = Field(..., min_length=1, max_length=50, description="Company user ids.")
    location: str = Field("", max_length=500)
    video_url: str = Field("", max_length=1000)
    type: InterviewTypeIn = "video"
    timezone: str | None = Field(None, max_length=64, description="IANA zone the interview is planned in.")
    notes: str = Field("", max_length=10000, description="Notes for interviewers (not sent to the candidate).")
    evaluation_template_id: int | None = None
    allow_conflict: bool = Field(False, description="Book even if an interviewer is already busy.")


class InterviewUpdateIn(Schema):
    start_time: int | str | None = None
    end_time: int | str | None = None
    interviewer_ids: list[int] | None = Field(None, min_length=1, max_length=50)
    location: str | None = Field(None, max_length=500)
    video_url: str | None = Field(None, max_length=1000)
    type: InterviewTypeIn | None = None
    timezone: str | None = Field(None, max_length=64)
    notes: str | None = Field(None, max_length=10000)
    evaluation_template_id: int | None = None
    candidate_response: ResponseIn | None = None
    allow_conflict: bool = False


class CancelIn(Schema):
    reason: str = Field("", max_length=2000)


class CompleteIn(Schema):
    status: Literal["completed", "no_show"] = "completed"


class RespondIn(Schema):
    response: ResponseIn


class InterviewsQuery(SyncQuery):
    job_id: int | None = None
    application_id: int | None = None
    candidate_id: int | None = None
    interviewer_user_id: int | None = None
    status: str | None = Field(None, description="scheduled | completed | cancelled | no_show (comma list)")
    date: str | None = Field(None, description="YYYY-MM-DD (UTC): interviews starting that day.")
    date_from: str | None = Field(None, description="Unix seconds, ISO-8601 or YYYY-MM-DD (UTC).")
    date_to: str | None = Field(None, description="Unix seconds, ISO-8601 or YYYY-MM-DD (UTC, inclusive).")
    include: str | None = Field(None, description="Comma list of candidate, application, job.")


class IncludeQuery(Schema):
    include: str | None = Field(None, description="Comma list of candidate, application, job.")


class LocalTimeOut(Schema):
    timezone: str
    start: str = Field(..., description="ISO-8601 local time with offset.")
    end: str


class InterviewerOut(Schema):
    user_id: int
    name: str
    email: str
    response_status: str
    local_time: LocalTimeOut


class InterviewOut(Schema):
    id: int
    application_id: int
    candidate_id: int
    job_id: int
    type: str
    status: str
    start_time: UnixTime
    end_time: UnixTime
    duration_minutes: int
    timezone: str
    location: str
    video_url: str
    notes: str
    evaluation_template_id: int | None
    interviewer_ids: list[int]
    interviewers: list[InterviewerOut]
    candidate_response: str
    candidate_local_time: LocalTimeOut
    ics_uid: str
    sequence: int
    cancel_reason: str
    cancelled_at: OptionalUnixTime
    completed_at: OptionalUnixTime
    created_by_user_id: int | None
    created_at: UnixTime
    updated_at: UnixTime
    candidate: dict[str, Any] | None = None
    application: dict[str, Any] | None = None
    job: dict[str, Any] | None = None


class AvailabilityQuery(Schema):
    date_from: str | None = Field(None, description="Unix seconds, ISO-8601 or YYYY-MM-DD (UTC); default now.")
    date_to: str | None = Field(None, description="Default date_from + 7 days; at most 62 days.")


class IntervalOut(Schema):
    start_time: UnixTime
    end_time: UnixTime


class BusyOut(IntervalOut):
    interview_id: int
    type: str
    status: str


class AvailabilityOut(Schema):
    user_id: int
    timezone: str
    date_from: UnixTime
    date_to: UnixTime
    busy: list[BusyOut]
    working_hours: list[IntervalOut]
    free: list[IntervalOut]
    has_working_hours: bool


class WorkingHoursItem(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: time = Field(..., description="HH:MM local time")
    end: time = Field(..., description="HH:MM local time")
    timezone: str | None = Field(None, max_length=64, description="Default: the user's timezone.")

    @field_validator("start", "end")
    @classmethod
    def _whole_minutes(cls, value: time) -> time:
        return value.replace(second=0, microsecond=0)


class WorkingHoursIn(Schema):
    working_hours: list[WorkingHoursItem] = Field(..., max_length=50)


class WorkingHoursOut(Schema):
    user_id: int
    working_hours: list[WorkingHoursItem]
