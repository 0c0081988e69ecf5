"""Template placeholders ({{first_name}}, {{job_title}}, ...): the catalogue and safe rendering.

Rendering never guesses: an unknown placeholder, or one whose value needs context that was not
given (a job placeholder without an application), is a 400 naming it. Values are HTML-escaped
in bodies; subjects are plain text on one line.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape

from hireloop.core.errors import ValidationFailed

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")


@dataclass(frozen=True)
class Placeholder:
    key: str
    label: str
    type: str  # profile_field | job_variable | system | questionnaire_link | self_scheduling_link
    needs: str  # candidate | application | sender | company | notification
    is_notification: bool = False


CATALOGUE: list[Placeholder] = [
    Placeholder("first_name", "Candidate first name", "profile_field", "candidate"),
    Placeholder("last_name", "Candidate last name", "profile_field", "candidate"),
    Placeholder("full_name", "Candidate full name", "profile_field", "candidate"),
    Placeholder("email", "Candidate email", "profile_field", "candidate"),
    Placeholder("phone", "Candidate phone", "profile_field", "candidate"),
    Placeholder("city", "Candidate city", "profile_field", "candidate"),
    Placeholder("country", "Candidate country", "profile_field", "candidate"),
    Placeholder("job_title", "Job title", "job_variable", "application"),
    Placeholder("job_alias", "Job alias", "job_variable", "application"),
    Placeholder("company_name", "Company name", "system", "company"),
    Placeholder("sender_name", "Sender name", "system", "sender"),
    Placeholder("sender_first_name", "Sender first name", "system", "sender"),
    Placeholder("sender_email", "Sender email", "system", "sender"),
    Placeholder("application_date", "Date the candidate applied", "system", "application", is_notification=True),
    Placeholder("rejection_reason", "Rejection reason", "system", "notification", is_notification=True),
]
BY_KEY = {p.key: p for p in CATALOGUE}


def catalogue(*, type: str | None = None, q: str | None = None, is_notification: bool = False) -> list[dict]:
    """Placeholders available to templates, filtered like GET /template-placeholders."""
    result = []
    for placeholder in CATALOGUE:
        if placeholder.is_notification and not is_notification:
            continue
        if type and placeholder.type != type:
            continue
        if q and q.lower() not in placeholder.label.lower() and q.lower() not in placeholder.key:
            continue
        result.append(
            {
                "key": placeholder.key,
                "label": placeholder.label,
                "type": placeholder.type,
                "placeholder": "{{" + placeholder.key + "}}",
                "is_notification": placeholder.is_notification,
            }
        )
    return result


PREPARE_TYPES = {"system", "candidate_column", "profile_field", "job_variable", "questionnaire_link", "scheduling_link"}


def prepare(*, type: str, identifier: str | None = None, system_column_title: str | None = None) -> dict:
    """The tag to embed in a template body for one placeholder reference."""
    if type not in PREPARE_TYPES:
        raise ValidationFailed({"type": f"Must be one of: {', '.join(sorted(PREPARE_TYPES))}."})
    key = (identifier or system_column_title or "").strip().lower().replace(" ", "_")
    if type in ("questionnaire_link", "scheduling_link"):
        raise ValidationFailed({"type": f"{type} placeholders are not available in Hireloop templates."})
    if key not in BY_KEY:
        raise ValidationFailed({"identifier": f"Unknown placeholder {key!r}; see GET /template-placeholders."})
    placeholder = BY_KEY[key]
    token = "{{" + key + "}}"
    return {
        "key": key,
        "type": placeholder.type,
        "placeholder": token,
        "html": f'<span class="placeholder" data-placeholder="{key}">{token}</span>',
    }


def validate(text: str, *, field: str, is_notification: bool = True) -> None:
    """400 naming the first unknown placeholder in `text`."""
    for match in PLACEHOLDER_RE.finditer(text or ""):
        key = match.group(1)
        placeholder = BY_KEY.get(key)
        if placeholder is None or (placeholder.is_notification and not is_notification):
            raise ValidationFailed({field: f"Unknown placeholder {{{{{key}}}}}."})


def context_values(*, candidate=None, application=None, sender=None, company=None, extra: dict | None = None) -> dict:
    """The values available for rendering; keys missing here are 'not available in this context'."""
    values: dict[str, str] = {}
    if candidate is not None:
        values.update(
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            full_name=candidate.full_name,
            email=candidate.email,
            phone=candidate.phone,
            city=candidate.city,
            country=candidate.country,
        )
    if application is not None:
        values.update(
            job_title=application.job.title,
            job_alias=application.job.alias,
            application_date=application.created_at.strftime("%B %-d, %Y"),
        )
    if company is not None:
        values["company_name"] = company.name
    if sender is not None:
        values.update(
            sender_name=sender.full_name or sender.email,
            sender_first_name=sender.first_name or sender.full_name or sender.email,
            sender_email=sender.email,
        )
    values.update(extra or {})
    return values


def render(text: str, values: dict, *, field: str, html: bool) -> str:
    """Replace every {{placeholder}}; unknown or unavailable ones are a 400 naming them."""

    def replace(match: re.Match) -> str:
        key = match.group(1)
        if key not in BY_KEY:
            raise ValidationFailed({field: f"Unknown placeholder {{{{{key}}}}}."})
        if key not in values:
            needs = BY_KEY[key].needs
            hint = {"application": "application_id", "sender": "a sending user"}.get(needs, needs)
            raise ValidationFailed({field: f"Placeholder {{{{{key}}}}} needs {hint} to be rendered."})
        value = str(values[key] or "")
        return str(escape(value)) if html else " ".join(value.splitlines())

    return PLACEHOLDER_RE.sub(replace, text or "")
