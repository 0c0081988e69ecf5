"""Wire shapes of applications (003), stage history, attachments, batches and rejection reasons."""

from typing import Any, Literal

from ninja import Field, Schema

from hireloop.core.files import FileData
from hireloop.core.pagination import ListQuery
from hireloop.core.times import OptionalUnixTime, UnixTime
from hireloop.jobs.schemas import HiringTeamMemberOut, IdName, JobOut, Out

Sort = Literal["created_at", "-created_at", "ai_score", "-ai_score", "last_message_at", "-last_message_at"]


class IncludeQuery(Schema):
    include: str | None = Field(None, description="Comma list: candidate, cv.text, job")


class ApplicationsQuery(ListQuery):
    company_id: int | None = None
    candidate_id: str | None = Field(None, description="Candidate id or alias")
    job_id: str | None = Field(None, description="Job id or alias")
    stage_id: int | None = None
    status: Literal["pending", "active", "hired", "rejected"] | None = Field(None, description="pending = active")
    is_disqualified: bool | None = None
    created_after: str | None = None
    updated_after: str | None = None
    ai_score_min: float | None = None
    ai_score_max: float | None = None
    sort: Sort = "-created_at"
    include: str | None = Field(None, description="Comma list: candidate, cv.text, job")


class AttachmentFileOut(Out):
    file_ext: str
    file_type: str
    is_image: bool | None
    orig_file_name: str
    readable_size: str


class CvOut(Out):
    uuid: str
    url: str | None
    relative_time: str
    file: AttachmentFileOut
    text: str | None = None


class ProfileAnswerOut(Out):
    question_id: int
    question_text: str
    value: Any = None


class ApplicationCandidateOut(Out):
    id: int
    alias: str
    company_id: int
    first_name: str | None
    last_name: str | None
    emails: list[str] | None
    phones: list[str] | None
    city: str | None
    state: str | None
    country: str | None
    timezone: str | None
    source: IdName | None
    origin: IdName | None
    profile: list[ProfileAnswerOut]
    created_at: UnixTime
    updated_at: UnixTime
    last_message_at: OptionalUnixTime
    days_since_last_message: int | None
    ip: str | None


class ApplicationOut(Out):
    id: int
    candidate_id: int
    job_id: int
    job_alias: str | None
    internal_job_id: str | None
    company_id: int
    stage: IdName | None
    status: Literal["active", "hired", "rejected"]
    is_disqualified: bool
    disqualified_at: OptionalUnixTime
    cv: CvOut | None = None
    rejected_at: OptionalUnixTime
    rejection_reason: list[IdName] | None
    hired_at: OptionalUnixTime
    hiring_team: list[HiringTeamMemberOut] | None = None
    custom_fields: dict | None = None
    answers: dict[str, str] | None = None
    ai_score: int | None
    ai_recommendation: str | None
    ai_scoring_updated_at: OptionalUnixTime
    source: str | None
    transferred_to_id: int | None
    created_at: UnixTime
    updated_at: UnixTime
    last_message_at: OptionalUnixTime
    days_since_last_message: int | None
    url_backoffice: str
    candidate: ApplicationCandidateOut | None = None
    job: JobOut | None = None


class ApplicationIn(Schema):
    candidate_id: int | str = Field(..., description="Candidate id or alias")
    job_id: int | str = Field(..., description="Job id (or alias)")
    stage_id: int | None = Field(None, description="Default: the first stage")
    cv: FileData | None = None
    answers: dict[str, str | bool] | None = Field(None, description="Knockout answers: question id (or text) → Yes/No")


class ApplicationUpdateIn(Schema):
    stage_id: int | None = None
    is_disqualified: bool | None = None
    cv: FileData | None = None
    custom_fields: dict | None = None


class MoveIn(Schema):
    stage_id: int


class RejectIn(Schema):
    rejection_reason_id: int | None = None
    suppress_notification: bool = False


class TransferIn(Schema):
    job_id: int | str
    stage_id: int | None = None


class StageHistoryEntryOut(Out):
    from_stage_id: int | None
    from_stage_name: str | None
    to_stage_id: int
    to_stage_name: str | None
    moved_at: UnixTime
    moved_by_type: Literal["user", "automation", "system"]
    moved_by_user_id: int | None
    source: str | None


class StageHistoryOut(Out):
    history: list[StageHistoryEntryOut]


class AttachmentOut(Out):
    uuid: str
    url: str
    relative_time: str
    file: AttachmentFileOut
    is_cv: bool
    created_at: UnixTime


class AttachmentsOut(Out):
    attachments: list[AttachmentOut]


class AttachmentIn(Schema):
    file: FileData
    is_cv: bool = False


class BatchMoveIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=100)
    stage_id: int


class BatchRejectIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=100)
    rejection_reason_id: int | None = None
    suppress_notification: bool = False


class BatchErrorOut(Out):
    status: int
    name: str
    message: str


class BatchItemOut(Out):
    id: int
    data: ApplicationOut | None = None
    error: BatchErrorOut | None = None


class BatchOut(Out):
    results: list[BatchItemOut]


class SuccessOut(Out):
    success: bool


class RejectionReasonOut(Out):
    id: int
    name: str
    is_default: bool


class RejectionReasonIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
