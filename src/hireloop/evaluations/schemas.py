from typing import Any, Literal

from ninja import Field, Schema

from hireloop.core.pagination import ListQuery
from hireloop.core.times import OptionalUnixTime, UnixTime

QuestionTypeIn = Literal["rating", "yes_no", "text", "single_choice", "skill_rating"]
RecommendationIn = Literal["strong_no", "no", "yes", "strong_yes"]


class QuestionIn(Schema):
    id: int | None = Field(None, description="On update: the question being edited (omit for a new one).")
    text: str = Field(..., min_length=1, max_length=1000)
    type: QuestionTypeIn = "rating"
    required: bool = False
    weight: float = Field(1.0, ge=0, le=100)
    options: list[str] = Field(default_factory=list, max_length=50, description="single_choice options")
    section: str = Field("", max_length=200)


class TemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    questions: list[QuestionIn] = Field(..., min_length=1, max_length=100)


class TemplateUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    questions: list[QuestionIn] | None = Field(None, min_length=1, max_length=100)


class QuestionOut(Schema):
    id: int
    position: int
    section: str
    text: str
    type: str
    required: bool
    weight: float
    options: list[str]


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    questions: list[QuestionOut]
    created_at: UnixTime
    updated_at: UnixTime


class StageTemplateIn(Schema):
    stage_id: int
    template_id: int | None


class StageTemplatesIn(Schema):
    stages: list[StageTemplateIn] = Field(..., max_length=100)


class StageTemplateOut(Schema):
    stage_id: int
    stage_name: str
    template_id: int | None
    template_name: str | None


class StageTemplatesOut(Schema):
    job_id: int
    stages: list[StageTemplateOut]


class FormCreateIn(Schema):
    template_id: int | None = Field(None, description="Default: the interview's template, else the stage's.")
    interview_id: int | None = None


class AnswerIn(Schema):
    question_id: int
    value: Any = Field(None, description="rating 1-5, true/false, text, or one of the options; null clears")


class FormUpdateIn(Schema):
    answers: list[AnswerIn] | None = Field(None, max_length=100)
    recommendation: RecommendationIn | None = None
    summary: str | None = Field(None, max_length=20000)


class PersonOut(Schema):
    id: int
    name: str
    email: str


class AnswerOut(Schema):
    question_id: int
    question: str
    type: str
    value: Any
    score: float | None
    weight: float


class FormOut(Schema):
    id: int
    application_id: int
    candidate_id: int
    job_id: int
    interview_id: int | None
    stage_id: int | None
    template_id: int | None
    template_name: str
    status: str
    evaluator: PersonOut
    author: PersonOut
    recommendation: str | None
    summary_score: str | None = Field(None, description="strong_no | no | yes | strong_yes")
    summary: str
    score: float | None = Field(None, description="Weighted mean of rating answers (1-5).")
    weighted_total: float | None
    max_score: int
    questions: list[QuestionOut]
    answers: list[AnswerOut]
    submitted_at: OptionalUnixTime
    created_at: UnixTime
    updated_at: UnixTime


class FormsOut(Schema):
    evaluation_forms: list[FormOut]


class SummaryOut(Schema):
    application_id: int
    evaluation_count: int
    average_score: float | None
    recommendation_counts: dict[str, int]


class TemplatesQuery(ListQuery):
    pass
