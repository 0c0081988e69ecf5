"""Wire shapes of jobs, workflows and stages, hiring teams, boards and job taxonomies (map §3–§5, §20, §23)."""

from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel

from hireloop.core.pagination import ListQuery
from hireloop.core.times import OptionalUnixTime, UnixTime

Status = str
ResumeFieldStatus = Literal["required", "optional", "hidden"]
SalaryPeriod = Literal["annually", "monthly", "daily", "hourly"]
JobFocus = Literal["technical", "skills", "cultural", "balanced"]


class Out(BaseModel):
    """Base of response shapes: plain pydantic (built from dicts), cheaper to validate than ninja's Schema."""


class IdName(Out):
    id: int
    name: str


class IncludeQuery(Schema):
    include: str | None = Field(None, description="Comma list: workflow, hiring_team, pipeline_stages")


# --- jobs ------------------------------------------------------------------------------------


class KnockoutQuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=500)
    expected_answer: Literal["Yes", "No"]
    disqualify_on_wrong_answer: bool


class KnockoutQuestionOut(Out):
    id: int
    text: str
    expected_answer: str
    disqualify_on_wrong_answer: bool


class CriterionIn(Schema):
    title: str | None = Field(None, max_length=200)
    text: str = Field(..., min_length=1, max_length=5000)
    weight: int = Field(5, ge=1, le=10)
    position: int | None = Field(None, ge=0)


class CriterionOut(Out):
    id: int
    position: int
    text: str
    weight: int
    title: str | None


class HiringTeamMemberOut(Out):
    id: int
    full_name: str
    email: str | None
    role: str | None


class PipelineStageOut(Out):
    id: int
    name: str


class LocationOut(Out):
    city: str
    country: str
    state: str
    street_address: str
    full_address: str
    postal_code: str


class JobOut(Out):
    id: int
    alias: str
    company_id: int
    title: str
    internal_title: str | None
    internal_job_id: str | None
    status: str
    is_active: bool
    is_remote: bool
    description: str | None = None
    requirements: str
    job_focus: str
    location: LocationOut | None
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_period: str | None
    salary_range: str | None
    hours_per_week_min: int | None
    hours_per_week_max: int | None
    department: IdName | None
    category: IdName | None
    education_level: IdName | None
    employment_type: IdName | None
    experience_level: IdName | None
    resume_field_status: str | None
    form_id: int | None
    workflow_id: int | None
    parent_job_id: int | None
    is_satellite: bool
    knockout_questions: list[KnockoutQuestionOut]
    ai_scoring_criteria: list[CriterionOut] | None = None
    indeed_posting_data: dict | None = None
    workflow: IdName | None = None
    hiring_team: list[HiringTeamMemberOut] | None = None
    pipeline_stages: list[PipelineStageOut] | None = None
    url: str
    url_backoffice: str
    published_at: OptionalUnixTime
    closed_at: OptionalUnixTime
    created_at: UnixTime
    updated_at: UnixTime


class JobsQuery(ListQuery):
    status: str | None = Field(None, description="Status name (see GET /statuses)")
    created_at_start: str | None = Field(None, description="Created at or after (unix seconds or ISO-8601)")
    created_at_end: str | None = Field(None, description="Created at or before (unix seconds or ISO-8601)")
    updated_after: str | None = None
    department_id: int | None = None
    q: str | None = Field(None, description="Partial match on title or internal title")
    is_active: bool | None = Field(None, description="true: Public or Internal jobs only")
    include: str | None = Field(None, description="Comma list: workflow, hiring_team, pipeline_stages")


class JobUpdateIn(Schema):
    """JobBody of map §3; on update every field is optional and only supplied fields change."""

    status: str | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    internal_title: str | None = Field(None, max_length=300)
    internal_job_id: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=200_000)
    requirements: str | None = Field(None, max_length=20_000)
    job_focus: JobFocus | None = None
    resume_field_status: ResumeFieldStatus | None = None
    location_city: str | None = Field(None, max_length=120)
    location_country: str | None = Field(None, max_length=120)
    location_state: str | None = Field(None, max_length=120)
    location_street_address: str | None = Field(None, max_length=300)
    location_full_address: str | None = Field(None, max_length=500)
    location_postal_code: str | None = Field(None, max_length=40)
    salary_min: float | None = Field(None, ge=0)
    salary_max: float | None = Field(None, ge=0)
    salary_currency: str | None = Field(None, max_length=3)
    salary_period: SalaryPeriod | None = None
    salary_range: str | None = Field(None, max_length=100)
    hours_per_week_min: int | None = Field(None, ge=0, le=168)
    hours_per_week_max: int | None = Field(None, ge=0, le=168)
    is_remote: bool | None = None
    employment_type_id: int | None = None
    department_id: int | None = None
    category_id: int | None = None
    education_level_id: int | None = None
    experience_level_id: int | None = None
    workflow_id: int | None = None
    form_id: int | None = None
    parent_job_id: int | None = None
    knockout_questions: list[KnockoutQuestionIn] | None = None
    ai_scoring_criteria: list[CriterionIn] | None = None


class JobCreateIn(JobUpdateIn):
    company_id: int | None = None
    status: str = Field(..., min_length=1)
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Field(..., max_length=200_000)
    location_city: str = Field(..., max_length=120)
    location_country: str = Field(..., max_length=120)


class StatusIn(Schema):
    status: str = Field(..., min_length=1)


class SuccessOut(Out):
    success: bool


# --- hiring team -----------------------------------------------------------------------------


class HiringTeamIn(Schema):
    user_id: int
    role: str | None = Field(None, max_length=40)


class HiringTeamOut(Out):
    hiring_team: list[HiringTeamMemberOut]


# --- boards ----------------------------------------------------------------------------------


class BoardOut(Out):
    id: str
    name: str
    is_free: bool
    is_own: bool


class BoardsOut(Out):
    boards: list[BoardOut]


class JobBoardOut(Out):
    board: str
    name: str
    status: str
    activated_at: OptionalUnixTime
    deactivated_at: OptionalUnixTime


class JobBoardsOut(Out):
    job_id: int
    job_boards: list[JobBoardOut]


class BoardsIn(Schema):
    boards: list[str] | None = None


class BatchBoardsIn(Schema):
    jobs: list[int] = Field(..., min_length=1, max_length=100)
    boards: list[str] | None = None


class BatchBoardsOut(Out):
    jobs: list[JobBoardsOut]


class BatchBoardsQuery(Schema):
    jobs: list[int] = Field(..., min_length=1, max_length=100)


# --- workflows and stages --------------------------------------------------------------------


class StageOut(Out):
    id: int
    name: str
    position: int
    workflow_id: int


class WorkflowOut(Out):
    id: int
    name: str
    is_default: bool
    stages: list[StageOut]
    job_ids: list[int]
    created_at: UnixTime
    updated_at: UnixTime


class WorkflowIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    is_default: bool = False
    stages: list[str] | None = Field(None, description="Stage names in order (default: the standard pipeline)")


class WorkflowUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    is_default: bool | None = None


class StagesQuery(ListQuery):
    workflow_id: int | None = None
    job_id: str | None = Field(None, description="Job id or alias: the stages of its workflow")


class StageIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    position: int | None = Field(None, ge=0, description="0-based; default: last")


class StageUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    position: int | None = Field(None, ge=0)


class StageOrderIn(Schema):
    stage_ids: list[int] = Field(..., min_length=1, description="Every stage of the workflow, in the new order")


class StageDeleteIn(Schema):
    target_stage_id: int | None = Field(None, description="Where the stage's applications go")


# --- taxonomy --------------------------------------------------------------------------------


class TermOut(Out):
    id: int
    name: str
    is_default: bool


class TermIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)


class StatusOut(Out):
    id: int
    name: str
    is_published: bool
    accepts_applications: bool
