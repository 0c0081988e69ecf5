"""Wire shapes of reference checks (Hireloop conventions; field names from seed 001)."""

from typing import Literal

from ninja import Field, Schema
from pydantic import model_validator

from hireloop.core.pagination import ListQuery
from hireloop.core.times import OptionalUnixTime, UnixTime

QuestionTypeName = Literal["scale", "text", "yes_no", "single_choice"]
RelationshipName = Literal["manager", "peer", "direct_report", "client", "other"]


class ScaleRange(Schema):
    min: int = Field(1, ge=0, le=100)
    max: int = Field(5, ge=1, le=100)


class QuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000)
    type: QuestionTypeName
    scale: ScaleRange | int | None = Field(None, description="Range of a scale question: {min, max} or just max.")
    choices: list[str] = Field(default_factory=list, description="Options of a single_choice question.")
    category: str = Field("", max_length=50, description="e.g. leadership, teamwork, reliability")
    language: str | None = Field(None, max_length=10)
    required: bool = True
    order: int | None = Field(None, ge=0)


class QuestionPatchIn(Schema):
    text: str | None = Field(None, min_length=1, max_length=2000)
    type: QuestionTypeName | None = None
    scale: ScaleRange | int | None = None
    choices: list[str] | None = None
    category: str | None = Field(None, max_length=50)
    language: str | None = Field(None, max_length=10)
    required: bool | None = None
    order: int | None = Field(None, ge=0)


class QuestionOut(Schema):
    id: int
    question_set_id: int
    text: str
    type: str
    scale: ScaleRange | None
    choices: list[str]
    category: str
    language: str
    required: bool
    order: int
    created_at: UnixTime
    updated_at: UnixTime


class QuestionSetIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, min_length=1, max_length=200, description="001's name for `name`.")
    description: str = Field("", max_length=2000)
    language: str = Field("en", max_length=10)
    questions: list[QuestionIn] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _title(self):
        self.name = self.name or self.title
        if not self.name:
            raise ValueError("name is required.")
        return self


class QuestionSetUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    language: str | None = Field(None, max_length=10)
    questions: list[QuestionIn] | None = Field(None, max_length=100, description="Replaces all questions.")


class QuestionSetCopyIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)


class QuestionSetOut(Schema):
    id: int
    name: str
    title: str
    description: str
    language: str
    is_library: bool
    library_key: str
    copied_from_id: int | None
    questions_count: int
    questions: list[QuestionOut] | None = None
    created_at: UnixTime
    updated_at: UnixTime


class QuestionSetsQuery(ListQuery):
    is_library: bool | None = None
    language: str | None = None


class ReminderOut(Schema):
    next_scheduled_at: OptionalUnixTime
    latest_sent_at: OptionalUnixTime
    count: int
    count_exceeded: bool
    rate_exceeded: bool
    manual_allowed_at: OptionalUnixTime = Field(None, description="When a manual reminder is allowed again.")


class ReferenceRequestIn(Schema):
    candidate_id: str | int
    question_set_id: int | None = Field(None, description="Default: the ready-made manager reference set.")
    min_references: int = Field(2, ge=1, le=20)
    min_manager_references: int = Field(0, ge=0, le=20)
    notes: str = Field("", max_length=5000)
    deadline: str | int | None = Field(None, description="Unix seconds or ISO-8601.")


class ReferenceRequestOut(Schema):
    id: int
    candidate_id: int
    question_set_id: int
    requested_by_id: int | None
    notes: str
    min_references: int
    min_manager_references: int
    deadline: OptionalUnixTime
    status: str
    filled: bool
    filled_at: OptionalUnixTime
    cancelled_at: OptionalUnixTime
    references_count: int
    completed_references_count: int
    completed_manager_references_count: int
    reminder: ReminderOut
    created_at: UnixTime
    updated_at: UnixTime


class ReferenceRequestsQuery(ListQuery):
    candidate_id: str | None = None
    status: Literal["open", "completed", "cancelled"] | None = None


class ReferenceIn(Schema):
    candidate_id: str | int
    reference_request_id: int | None = None
    question_set_id: int | None = Field(None, description="Without a request; default follows the relationship.")
    first_name: str = Field(..., min_length=1, max_length=150)
    last_name: str = Field("", max_length=150)
    email: str = Field(..., min_length=3, max_length=254)
    phone: str = Field("", max_length=40)
    country_code: str = Field("", max_length=8, description="Dial code (+44) or region (GB) of the phone.")
    relationship: RelationshipName = "other"
    company: str = Field("", max_length=200, description="The referee's employer.")
    company_name: str | None = Field(None, max_length=200, description="001's name for `company`.")
    title: str = Field("", max_length=200)
    internal_id: str = Field("", max_length=100)
    language: str = Field("en", max_length=10)

    @model_validator(mode="after")
    def _company_name(self):
        self.company = self.company or self.company_name or ""
        return self


class ReferenceUpdateIn(Schema):
    first_name: str | None = Field(None, min_length=1, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, min_length=3, max_length=254)
    phone: str | None = Field(None, max_length=40)
    country_code: str | None = Field(None, max_length=8)
    relationship: RelationshipName | None = None
    company: str | None = Field(None, max_length=200)
    company_name: str | None = Field(None, max_length=200, description="001's name for `company`.")
    title: str | None = Field(None, max_length=200)
    internal_id: str | None = Field(None, max_length=100)
    language: str | None = Field(None, max_length=10)


class MetadataOut(Schema):
    ip: str | None
    user_agent: str
    browser: str
    browser_version: str
    os: str
    os_version: str


class RiskFlagOut(Schema):
    code: str
    evidence: str


class AnswerOut(Schema):
    id: int
    reference_id: int
    question_id: int | None
    question: str
    type: str
    category: str
    language: str
    scale: ScaleRange | None
    order: int
    value: str
    comment: str
    original_value: str | None
    original_comment: str | None
    corrected: bool
    corrected_by_id: int | None
    corrected_at: OptionalUnixTime
    corrections: list[dict]
    created_at: UnixTime
    updated_at: UnixTime


class AnswerPatchIn(Schema):
    value: str | int | None = None
    comment: str | None = Field(None, max_length=2000)


class ReferenceOut(Schema):
    id: int
    candidate_id: int
    reference_request_id: int | None
    question_set_id: int | None
    first_name: str
    last_name: str
    email: str
    phone: str
    country_code: str
    relationship: str
    company: str
    company_name: str
    title: str
    internal_id: str
    language: str
    status: str
    filled: bool
    invited_at: OptionalUnixTime
    started_at: OptionalUnixTime
    completed_at: OptionalUnixTime
    declined_at: OptionalUnixTime
    decline_reason: str
    verified_at: OptionalUnixTime
    added_by_id: int | None
    added_by_candidate: bool
    score: int | None
    metadata: MetadataOut | None
    risk_flags: list[RiskFlagOut]
    reminder: ReminderOut
    answers: list[AnswerOut] | None = None
    created_at: UnixTime
    updated_at: UnixTime


class ReferencesQuery(ListQuery):
    candidate_id: str | None = None
    reference_request_id: int | None = None
    status: Literal["invited", "in_progress", "completed", "declined"] | None = None


class RemindOut(Schema):
    detail: str
    reminder: ReminderOut | None = None


class CategoryScoreOut(Schema):
    category: str
    score: int
    answers_count: int
    references_count: int


class ScoreOut(Schema):
    candidate_id: int
    score: int | None
    references_count: int
    answers_count: int
    categories: list[CategoryScoreOut]


class CountByDate(Schema):
    date: str
    count: int


class TopRecruiter(Schema):
    user_id: int
    name: str
    total_references: int
    completed_references: int


class ReferenceAnalyticsOut(Schema):
    total_candidates: int
    total_reference_requests: int
    total_references: int
    completed_references: int
    avg_reference_completion_time: int | None = Field(None, description="Seconds from invitation to completion.")
    avg_candidates_score: int | None
    candidate_count_by_date: list[CountByDate]
    reference_count_by_date: list[CountByDate]
    top_recruiters: list[TopRecruiter]


class UserAnalyticsOut(Schema):
    user_id: int
    name: str
    total_candidates: int
    total_reference_requests: int
    total_references: int
    completed_references: int
    avg_reference_completion_time: int | None
    avg_candidates_score: int | None


class DocumentsQuery(Schema):
    type: Literal["references", "candidates"] = Field(..., description="references | candidates")
    id: str = Field(..., min_length=1, description="Candidate id or alias.")
