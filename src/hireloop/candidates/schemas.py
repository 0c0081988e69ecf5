"""Wire shapes of candidates (seed 003) and their neighbours (map §18–§21)."""

from typing import Any, Literal

from ninja import Field, Schema

from hireloop.core.files import FileData
from hireloop.core.pagination import ListQuery, Pagination
from hireloop.core.times import OptionalUnixTime, UnixTime


class IdName(Schema):
    id: int
    name: str


class JobSummary(Schema):
    id: int
    title: str
    status: str | None = None


class ApplicationSummary(Schema):
    id: int
    job: JobSummary
    stage: IdName | None = None


class ProfileAnswerOut(Schema):
    question_id: int
    question_text: str
    value: Any = None


class CandidateOut(Schema):
    id: int
    alias: str | None
    url_backoffice: str
    company_id: int
    first_name: str | None
    last_name: str | None
    emails: list[str] | None
    phones: list[str] | None
    source: IdName | None
    origin: IdName | None
    profile: list[ProfileAnswerOut] | None = Field(None, description="Omitted when view=summary.")
    ip: str | None
    applications: list[ApplicationSummary] | None = Field(
        None, description="Always on GET /candidates/{id}; on lists only with include=applications."
    )
    city: str | None
    state: str | None
    country: str | None
    timezone: str | None
    linkedin: str | None
    created_at: UnixTime
    updated_at: UnixTime
    last_message_at: OptionalUnixTime
    days_since_last_message: int | None


class CandidatesQuery(ListQuery):
    company_id: int | None = Field(None, description="Company to act in (keys with several companies).")
    job_id: int | None = Field(None, description="Only candidates with an application to this job.")
    stage_id: int | None = Field(None, description="Only candidates with an application in this stage.")
    email: str | None = Field(None, description="Exact match on any of the candidate's emails.")
    q: str | None = Field(
        None,
        description="Partial, case-insensitive match on first name, last name, 'first last' or any email.",
    )
    full_name: str | None = Field(None, description="'First Last', case-insensitive, whole name.")
    linkedin: str | None = Field(None, description="LinkedIn profile URL or alias (normalised).")
    created_after: str | None = Field(None, description="Unix seconds or ISO-8601 with offset.")
    updated_after: str | None = Field(
        None, description="Unix seconds or ISO-8601; changes to tags, files and profile answers count."
    )
    include: str | None = Field(None, description="applications: embed application summaries.")


class CandidateIn(Schema):
    company_id: int | None = None
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254, description="Used for deduplication.")
    phone: str | None = Field(None, max_length=60)
    city: str | None = Field(None, max_length=120)
    state: str | None = Field(None, max_length=120)
    country: str | None = Field(None, max_length=120, description="Name or ISO 3166-1 alpha-2 code.")
    timezone: str | None = Field(None, max_length=64, description="IANA name; resolved from city/country if omitted.")
    linkedin: str | None = Field(None, max_length=300)
    profile: dict[str, Any] | None = Field(None, description="Keys: question text or question id.")
    cv: FileData | None = None
    job_id: int | str | None = None
    stage_id: int | None = None

    def fields(self) -> dict[str, Any]:
        return self.dict(
            include={"first_name", "last_name", "email", "phone", "city", "state", "country", "timezone", "linkedin"},
            exclude_unset=True,
        )


class SuccessOut(Schema):
    success: bool = True


class TagsIn(Schema):
    tags: list[str] = Field(..., min_length=1, max_length=100)


class TagsOut(Schema):
    tags: list[str]
    pagination: Pagination


class BatchTagsIn(Schema):
    ids: list[int | str] = Field(..., min_length=1, max_length=100, description="Candidate ids or aliases (max 100).")
    tags: list[str] = Field(..., min_length=1, max_length=100)


class BatchResultOut(Schema):
    id: int | str
    data: dict | None = None
    error: dict | None = None


class BatchResultsOut(Schema):
    results: list[BatchResultOut]


class AttachmentFileOut(Schema):
    is_image: bool | None
    orig_file_name: str
    file_ext: str
    file_type: str
    readable_size: str
    size: int


class AttachmentOut(Schema):
    uuid: str
    url: str | None
    relative_time: str
    type: str
    created_at: UnixTime
    file: AttachmentFileOut
    parse_status: str | None = Field(
        None, description="Resumes: pending until parsed, then parsed or failed (with parse_error)."
    )
    parse_error: str | None = None


class ResumeOut(AttachmentOut):
    text: str | None = None


class FilesOut(Schema):
    files: list[AttachmentOut]


class FileIn(Schema):
    file: FileData
    type: Literal["resume", "other"] = Field(
        "other", description="resume: the file is the candidate's CV; it is parsed and their applications scored."
    )


class ResumeQuery(Schema):
    include: str | None = Field(None, description="text_content: add the parsed plain text.")
    view: Literal["full", "summary"] = "full"


class ActivitiesQuery(ListQuery):
    event_type: str | None = Field(None, description="Comma list of event types.")
    since: str | None = None
    until: str | None = None


class ActivityData(Schema):
    text: str
    date: str
    relative_time: str
    full_time: str
    details: dict | None = Field(None, description="The recorded event's data (view=full only).")


class ActivityEvent(Schema):
    type: str = Field(..., description="003 event type (comment, stage_moved, assign_tags, …).")
    is_text_bubble: bool
    kind: str = Field(..., description="Hireloop's event kind (e.g. candidate.updated).")
    data: ActivityData


class ActivityOut(Schema):
    event_id: int
    candidate_id: int | None
    application_id: int | None
    user_id: int | None
    event: ActivityEvent
    created_at: int


class ActivitiesOut(Schema):
    activities: list[ActivityOut]
    page_size: int
    pagination: Pagination


class DisqualifyIn(Schema):
    reasons: list[int | str] | None = None


class DisqualifyOut(Schema):
    success: bool
    rejected_applications: list[int]


# --- questions and forms ---------------------------------------------------------------------


class QuestionOut(Schema):
    id: int
    text: str
    type: str
    options: list[str]
    created_at: UnixTime
    updated_at: UnixTime


class QuestionIn(Schema):
    company_id: int | None = None
    text: str = Field(..., max_length=500)
    type: str
    options: list[str] | None = None


class QuestionsQuery(ListQuery):
    company_id: int | None = None
    size: int = Field(25, ge=1, le=100)


class QuestionTypeOut(Schema):
    type: str
    name: str
    has_options: bool


class QuestionTypesOut(Schema):
    types: list[QuestionTypeOut]


class FormQuestionOut(Schema):
    id: int
    text: str
    type: str
    options: list[str]
    status: str
    position: int


class FormOut(Schema):
    id: int
    name: str
    is_default: bool
    questions: list[FormQuestionOut] | None = None
    created_at: UnixTime
    updated_at: UnixTime


class FormIn(Schema):
    company_id: int | None = None
    name: str = Field(..., max_length=200)
    questions: list[int] | None = None


class FormQuestionStatusIn(Schema):
    status: Literal["required", "optional", "hidden"]


class FormsQuery(ListQuery):
    company_id: int | None = None


# --- taxonomy and attachments ----------------------------------------------------------------


class CompanyQuery(Schema):
    company_id: int | None = None


class SourcesOut(Schema):
    sources: list[IdName]


class OriginsOut(Schema):
    origins: list[IdName]


class TagsListOut(Schema):
    tags: list[IdName]


class SourceIn(Schema):
    company_id: int | None = None
    name: str = Field(..., min_length=1, max_length=120)


class AttachmentIn(Schema):
    category: Literal[
        "voicemail",
        "candidate",
        "application",
        "candidate_comment",
        "job_note",
        "company_favicon",
        "company_header",
        "company_link_preview",
    ]
    company_id: int | None = None
    object_id: int | None = None
    file: FileData


# --- duplicates, merge, GDPR -----------------------------------------------------------------


class DuplicateOut(Schema):
    candidate: CandidateOut
    reasons: list[str]


class DuplicatesOut(Schema):
    duplicates: list[DuplicateOut]


class MergeIn(Schema):
    duplicate_id: int | str
    dry_run: bool = False


class MergeOut(Schema):
    dry_run: bool
    kept_id: int
    duplicate_id: int
    moved: dict[str, int]
    conflicts: list[dict]
    candidate: CandidateOut | None = None
