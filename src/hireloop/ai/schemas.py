"""Wire shapes of the AI endpoints."""

from ninja import Schema


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
