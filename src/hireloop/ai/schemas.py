"""Wire shapes of the AI endpoints."""

from ninja import Schema
from pydantic import Field

from hireloop.core.times import UnixTime


class ResumeLinks(Schema):
    linkedin: str | None
    github: str | None
    portfolio: str | None
    other: list[str]


class ResumeSkill(Schema):
    name: str
    canonical: str | None
    category: str | None


class ResumeExperience(Schema):
    title: str | None
    company: str | None
    location: str | None
    start: str | None
    end: str | None
    is_current: bool
    description: str


class ResumeEducation(Schema):
    degree: str | None
    field: str | None
    institution: str | None
    start: str | None
    end: str | None


class ParserInfo(Schema):
    method: str
    version: str
    format: str | None = None


class ParsedResume(Schema):
    name: str | None
    emails: list[str]
    phones: list[str]
    location: str | None
    links: ResumeLinks
    headline: str | None
    summary: str | None
    skills: list[ResumeSkill]
    experience: list[ResumeExperience]
    education: list[ResumeEducation]
    certifications: list[str]
    languages: list[str]
    total_years_experience: float | None
    text: str
    parser: ParserInfo


class AiScoreCriterion(Schema):
    criterion_title: str | None
    criterion_text: str
    score: int
    justification: str | None
    followup_questions: list[str] | None


class AiScorePayload(Schema):
    uuid: str
    job_id: int
    job_title: str | None
    job_url: str | None
    summary: str | None
    total_score: int | None
    criteria: list[AiScoreCriterion]
    rate: str
    date: str | None
    recommendation: str
    method: str
    provenance: dict
    scored_at: UnixTime


class AiScoreOut(Schema):
    score: AiScorePayload | None


class QueuedOut(Schema):
    queued: int


class MatchesQuery(Schema):
    size: int = Field(10, ge=1, le=50)


class Match(Schema):
    candidate_id: int
    score: int
    recommendation: str
    applied: bool
    evidence: list[str]
    matched_skills: list[str]
    missing_skills: list[str]
    method: str


class MatchesOut(Schema):
    matches: list[Match]


class SearchQuery(Schema):
    query: str = Field(..., min_length=2, max_length=500)
    size: int = Field(20, ge=1, le=100)


class SearchHit(Schema):
    candidate_id: int
    score: float
    snippet: str


class CandidateSearchOut(Schema):
    candidates: list[SearchHit]
    method: str
