"""Template placeholders ({{first_name}}, {{job_title}}, {{profile_12}}, ...): the catalogue and safe rendering.

Besides the fixed catalogue, each of the company's profile questions is a placeholder
`{{profile_<question id>}}` filled with the candidate's answer (empty when unanswered).

Rendering never guesses: an unknown placeholder, or one whose value needs context that was not
given (a job placeholder without an application), is a 400 naming it. Values are HTML-escaped
in bodies; subjects are plain text on one line.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape

from hireloop.core.errors import ValidationFailed

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
# At most 18 digits: a longer id cannot be a database id (and would overflow the lookup).
PROFILE_RE = re.compile(r"profile_([1-9][0-9]{0,17})")


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
    Placeholder("job_location", "Job location (city, country)", "job_variable", "application"),
    Placeholder("job_department", "Job department", "job_variable", "application"),
    Placeholder("job_employment_type", "Job employment type", "job_variable", "application"),
    Placeholder("job_url", "Job page on the careers site", "job_variable", "application"),
    Placeholder("stage_name", "Current pipeline stage", "job_variable", "application"),
    Placeholder("company_name", "Company name", "system", "company"),
    Placeholder("sender_name", "Sender name", "system", "sender"),
    Placeholder("sender_first_name", "Sender first name", "system", "sender"),
    Placeholder("sender_email", "Sender email", "system", "sender"),
    Placeholder("application_date", "Date the candidate applied", "system", "application", is_notification=True),
    Placeholder("rejection_reason", "Rejection reason", "system", "notification", is_notification=True),
]
BY_KEY = {p.key: p for p in CATALOGUE}


def profile_key(question_id: int) -> str:
    """The placeholder key of a profile question."""
    return f"profile_{question_id}"


def _question_id(key: str) -> int | None:
    match = PROFILE_RE.fullmatch(key)
    return int(match.group(1)) if match else None


def _questions(company) -> list[tuple[int, str]]:
    from hireloop.candidates.models import Question

    return list(Question.objects.filter(company=company).order_by("pk").values_list("pk", "text"))


def _entry(*, key: str, label: str, type: str, is_notification: bool = False) -> dict:
    return {
        "key": key,
        "label": label,
        "type": type,
        "placeholder": "{{" + key + "}}",
        "is_notification": is_notification,
    }


def catalogue(*, company, type: str | None = None, q: str | None = None, is_notification: bool = False) -> list[dict]:
    """Placeholders available to the company's templates (the fixed ones, then one per profile question),
    filtered like GET /template-placeholders."""
    needle = (q or "").lower()

    def matches(key: str, label: str) -> bool:
        return not needle or needle in label.lower() or needle in key

    result = []
    for placeholder in CATALOGUE:
        if placeholder.is_notification and not is_notification:
            continue
        if type and placeholder.type != type:
            continue
        if matches(placeholder.key, placeholder.label):
            result.append(
                _entry(
                    key=placeholder.key,
                    label=placeholder.label,
                    type=placeholder.type,
                    is_notification=placeholder.is_notification,
                )
            )
    if type in (None, "profile_field"):
        for question_id, text in _questions(company):
            key = profile_key(question_id)
            if matches(key, text):
                result.append(_entry(key=key, label=text, type="profile_field"))
    return result


PREPARE_TYPES = {"system", "candidate_column", "profile_field", "job_variable", "questionnaire_link", "scheduling_link"}


def _prepared(key: str, type: str) -> dict:
    token = "{{" + key + "}}"
    return {
        "key": key,
        "type": type,
        "placeholder": token,
        "html": f'<span class="placeholder" data-placeholder="{key}">{token}</span>',
    }


def _profile_question(*, company, reference: str) -> tuple[int, str] | None:
    """The company's question named by id, `profile_<id>` or its exact text (case aside), if any."""
    from hireloop.candidates.models import Question

    questions = Question.objects.filter(company=company)
    question_id = _question_id(reference if reference.startswith("profile_") else f"profile_{reference}")
    if question_id is not None:
        questions = questions.filter(pk=question_id)
    else:
        questions = questions.filter(text__iexact=reference)
    return questions.order_by("pk").values_list("pk", "text").first()


def prepare(
    *,
    company,
    type: str,
    identifier: str | None = None,
    system_column_title: str | None = None,
    profile_question_id: int | None = None,
) -> dict:
    """The tag to embed in a template body for one placeholder reference."""
    if type not in PREPARE_TYPES:
        raise ValidationFailed({"type": f"Must be one of: {', '.join(sorted(PREPARE_TYPES))}."})
    if type in ("questionnaire_link", "scheduling_link"):
        raise ValidationFailed({"type": f"{type} placeholders are not available in Hireloop templates."})
    reference = (identifier or system_column_title or "").strip()
    key = reference.lower().replace(" ", "_")
    if type == "profile_field" and (profile_question_id is not None or key not in BY_KEY):
        # A profile question of the company: by id (qas_profile_question_id or identifier) or exact text.
        found = _profile_question(company=company, reference=str(profile_question_id or reference))
        if found is None:
            raise ValidationFailed(
                {"identifier": f"Unknown profile question {reference or profile_question_id!r}; see GET /questions."}
            )
        return _prepared(profile_key(found[0]), "profile_field")
    if key not in BY_KEY:
        raise ValidationFailed({"identifier": f"Unknown placeholder {key!r}; see GET /template-placeholders."})
    return _prepared(key, BY_KEY[key].type)


def _unknown(key: str, field: str) -> ValidationFailed:
    return ValidationFailed({field: f"Unknown placeholder {{{{{key}}}}}."})


def validate(text: str, *, company, field: str, is_notification: bool = True) -> None:
    """400 naming the first unknown placeholder in `text` (profile questions of another company included)."""
    from hireloop.candidates.models import Question

    profile_keys = {}
    for match in PLACEHOLDER_RE.finditer(text or ""):
        key = match.group(1)
        question_id = _question_id(key)
        if question_id is not None:
            profile_keys.setdefault(key, question_id)
            continue
        placeholder = BY_KEY.get(key)
        if placeholder is None or (placeholder.is_notification and not is_notification):
            raise _unknown(key, field)
    if profile_keys:
        known = set(Question.objects.filter(company=company, pk__in=profile_keys.values()).values_list("pk", flat=True))
        for key, question_id in profile_keys.items():
            if question_id not in known:
                raise _unknown(key, field)


class Deferred:
    """A value that costs a query, computed the first time a text uses it (then kept)."""

    def __init__(self, compute: Callable[[], str]) -> None:
        self._compute = compute
        self._value: str | None = None

    def get(self) -> str:
        if self._value is None:
            self._value = self._compute()
        return self._value


def answer_text(value) -> str:
    """A profile answer as text: lists joined with ", ", booleans Yes/No, no answer empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(answer_text(item) for item in value)
    return str(value)


class ProfileAnswers:
    """A candidate's profile answers by question id, read in one query the first time a text uses one."""

    def __init__(self, candidate) -> None:
        self.candidate = candidate
        self._answers: dict[int, str] | None = None

    def value(self, question_id: int) -> str | None:
        """The answer as text; "" for a question of the company left unanswered, None for no such question."""
        from hireloop.candidates.models import ProfileAnswer, Question

        if self._answers is None:
            self._answers = {
                pk: answer_text(value)
                for pk, value in ProfileAnswer.objects.filter(candidate_id=self.candidate.pk).values_list(
                    "question_id", "value"
                )
            }
        if question_id in self._answers:
            return self._answers[question_id]
        if Question.objects.filter(company_id=self.candidate.company_id, pk=question_id).exists():
            self._answers[question_id] = ""
            return ""
        return None


class Values(dict):
    """The values of one rendering by placeholder key, plus the candidate's profile answers (if a candidate)."""

    profile: ProfileAnswers | None = None


def _job_url(job) -> str:
    from hireloop.core.context import public_base_url
    from hireloop.jobs.selectors import job_urls

    return job_urls(job, public_base_url())[0]


def context_values(*, candidate=None, application=None, sender=None, company=None, extra: dict | None = None) -> Values:
    """The values available for rendering; keys missing here are 'not available in this context'."""
    values = Values()
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
        values.profile = ProfileAnswers(candidate)
    if application is not None:
        job = application.job
        values.update(
            job_title=job.title,
            job_alias=job.alias,
            job_location=", ".join(part for part in (job.location_city, job.location_country) if part),
            # Related names cost a query unless the caller selected them; only texts that use them pay.
            job_department=Deferred(lambda: job.department.name if job.department_id else ""),
            job_employment_type=Deferred(lambda: job.employment_type.name if job.employment_type_id else ""),
            job_url=Deferred(lambda: _job_url(job)),
            stage_name=Deferred(lambda: application.stage.name if application.stage_id else ""),
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


def _missing(key: str, needs: str, field: str) -> ValidationFailed:
    hint = {"application": "application_id", "sender": "a sending user"}.get(needs, needs)
    return ValidationFailed({field: f"Placeholder {{{{{key}}}}} needs {hint} to be rendered."})


def _value(key: str, values: dict, field: str) -> str:
    question_id = _question_id(key)
    if question_id is not None:
        profile = getattr(values, "profile", None)
        if profile is None:
            raise _missing(key, "candidate", field)
        answer = profile.value(question_id)
        if answer is None:
            raise _unknown(key, field)
        return answer
    if key not in BY_KEY:
        raise _unknown(key, field)
    if key not in values:
        raise _missing(key, BY_KEY[key].needs, field)
    value = values[key]
    return value.get() if isinstance(value, Deferred) else str(value or "")


def render(text: str, values: dict, *, field: str, html: bool) -> str:
    """Replace every {{placeholder}}; unknown or unavailable ones are a 400 naming them."""

    def replace(match: re.Match) -> str:
        value = _value(match.group(1), values, field)
        return str(escape(value)) if html else " ".join(value.splitlines())

    return PLACEHOLDER_RE.sub(replace, text or "")
