"""Every state change of candidates: validate, write, record the event, enqueue side effects on commit."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from hireloop.activity.services import record
from hireloop.candidates import normalize
from hireloop.candidates.locations import resolve_timezone
from hireloop.candidates.models import (
    AttachmentCategory,
    Candidate,
    CandidateEmail,
    CandidateFile,
    CandidatePhone,
    CandidateSearch,
    CandidateTag,
    FieldStatus,
    FileType,
    Form,
    FormQuestion,
    Origin,
    ProfileAnswer,
    Question,
    QuestionType,
    Source,
    Tag,
)
from hireloop.candidates.selectors import forget_count
from hireloop.core.aliases import assign_alias
from hireloop.core.errors import Conflict, NotFound, ValidationFailed
from hireloop.core.files import FileData, decode_file
from hireloop.core.tasks import enqueue_on_commit

# Profile keys that name a candidate field rather than a catalogue question (compared lower-cased).
LIBRARY_FIELDS = {
    "first name": "first_name",
    "first_name": "first_name",
    "last name": "last_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "city": "city",
    "state": "state",
    "country": "country",
    "timezone": "timezone",
    "linkedin": "linkedin",
}
PLAIN_FIELDS = ("first_name", "last_name", "city", "state", "country")
MAX_TAG_LENGTH = 100
CHOICE_TYPES = {QuestionType.SELECT, QuestionType.MULTISELECT}


def touch(candidate: Candidate) -> None:
    """Bump updated_at: a change to tags, files or answers is a change of the candidate (updated_after sync)."""
    now = timezone.now()
    Candidate.objects.filter(pk=candidate.pk).update(updated_at=now)
    candidate.updated_at = now


def search_text(candidate: Candidate, emails: list[str]) -> str:
    parts = [candidate.first_name, candidate.last_name, *emails]
    return " ".join(p.lower() for p in parts if p)


def name_key(first_name: str, last_name: str) -> str:
    return " ".join(f"{first_name} {last_name}".lower().split())


# --- contact points ---------------------------------------------------------------------------


def _emails(candidate: Candidate) -> list[str]:
    return list(
        CandidateEmail.objects.filter(candidate=candidate).order_by("position", "pk").values_list("email", flat=True)
    )


def _set_primary_email(candidate: Candidate, value: str) -> None:
    """Make `value` the first address, keeping the others."""
    existing = _emails(candidate)
    ordered = [value] + [e for e in existing if e != value] if value else existing[1:]
    CandidateEmail.objects.filter(candidate=candidate).delete()
    CandidateEmail.objects.bulk_create(
        CandidateEmail(company_id=candidate.company_id, candidate=candidate, email=e, position=i)
        for i, e in enumerate(ordered)
    )
    candidate.email = ordered[0] if ordered else ""


def _set_primary_phone(candidate: Candidate, value: str) -> None:
    existing = list(CandidatePhone.objects.filter(candidate=candidate).values_list("phone", flat=True))
    ordered = [value] + [p for p in existing if p != value] if value else existing[1:]
    CandidatePhone.objects.filter(candidate=candidate).delete()
    CandidatePhone.objects.bulk_create(
        CandidatePhone(company_id=candidate.company_id, candidate=candidate, phone=p, position=i)
        for i, p in enumerate(ordered)
    )
    candidate.phone = ordered[0] if ordered else ""


def _refresh_search(candidate: Candidate) -> None:
    """Recompute name_key and the candidate's search row (written only when the text changed)."""
    candidate.name_key = name_key(candidate.first_name, candidate.last_name)
    text = search_text(candidate, _emails(candidate))
    row = CandidateSearch.objects.filter(candidate_id=candidate.pk).first()
    if row is None:
        CandidateSearch.objects.create(candidate_id=candidate.pk, company_id=candidate.company_id, text=text)
    elif row.text != text:
        CandidateSearch.objects.filter(candidate_id=candidate.pk).update(text=text)


def find_by_email(*, company, email: str) -> Candidate | None:
    """The candidate owning `email` (any of their addresses), oldest first."""
    email = (email or "").strip().lower()
    if not email:
        return None
    # From the email index first: joined from the candidates' side, the planner may walk the pool in pk order.
    owner = (
        CandidateEmail.objects.filter(company=company, email=email)
        .order_by("candidate_id")
        .values_list("candidate_id", flat=True)
        .first()
    )
    return None if owner is None else Candidate.objects.filter(pk=owner).first()


# --- sources and origins ---------------------------------------------------------------------


DEFAULT_ORIGINS = ("API", "Career site", "Import", "Manual", "Referral", "Sourced")


def ensure_origins(*, company) -> None:
    """Every company starts with the standard origins (idempotent)."""
    if Origin.objects.filter(company=company, name__in=DEFAULT_ORIGINS).count() < len(DEFAULT_ORIGINS):
        Origin.objects.bulk_create([Origin(company=company, name=n) for n in DEFAULT_ORIGINS], ignore_conflicts=True)


def origin_named(*, company, name: str) -> Origin:
    origin, _ = Origin.objects.get_or_create(company=company, name=name)
    return origin


@transaction.atomic
def create_source(*, company, actor, name: str) -> Source:
    """Add a candidate source to the company's list (a name already there is a 409)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "Name cannot be blank."})
    if Source.objects.filter(company=company, name__iexact=name).exists():
        raise Conflict(f"Source {name!r} already exists.")
    source = Source.objects.create(company=company, name=name[:120])
    record(kind="source.created", company=company, subject=source, actor=actor, data={"name": source.name})
    return source


# --- profile answers -------------------------------------------------------------------------


def validate_answer(question: Question, value: Any, *, field: str) -> Any:
    """The stored form of an answer to `question`, or ValidationFailed naming `field`."""
    if value is None or value == "" or value == []:
        return None
    kind = question.type
    if kind in CHOICE_TYPES:
        if isinstance(value, list):
            values = value
        elif kind == QuestionType.MULTISELECT:
            values = [v.strip() for v in str(value).split(",")]
        else:
            values = [value]
        values = [str(v) for v in values]
        unknown = [v for v in values if v not in question.options]
        if unknown:
            raise ValidationFailed({field: f"Not an option of this question: {', '.join(unknown)}."})
        return values if kind == QuestionType.MULTISELECT else values[0]
    if isinstance(value, list | dict):
        raise ValidationFailed({field: "Must be a single value."})
    if kind == QuestionType.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationFailed({field: "Must be a number."}) from None
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == QuestionType.BOOLEAN:
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "y"):
            return True
        if text in ("false", "0", "no", "n"):
            return False
        raise ValidationFailed({field: "Must be true or false."})
    if kind == QuestionType.DATE:
        try:
            return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
        except ValueError:
            raise ValidationFailed({field: "Must be a date (YYYY-MM-DD)."}) from None
    if kind == QuestionType.EMAIL:
        return normalize.email(str(value), field=field)
    if kind == QuestionType.PHONE:
        return normalize.phone(str(value), field=field)
    if kind == QuestionType.URL:
        text = str(value).strip()
        if not text.startswith(("http://", "https://")):
            raise ValidationFailed({field: "Must be an http(s) URL."})
        return text
    return str(value).strip()


def _split_profile(company, profile: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[Question, Any]]]:
    """Profile keys → (candidate field values, (question, value) pairs).

    An unknown question text becomes a new text question of the catalogue (imports just work)."""
    fields: dict[str, Any] = {}
    answers: list[tuple[Question, Any]] = []
    for key, value in (profile or {}).items():
        key_text = str(key).strip()
        field = f"profile.{key_text}"
        if key_text.lower() in LIBRARY_FIELDS:
            fields[LIBRARY_FIELDS[key_text.lower()]] = value if value is None else str(value)
            continue
        if key_text.isdigit():
            question = Question.objects.filter(company=company, pk=int(key_text)).first()
            if question is None:
                raise ValidationFailed({field: f"Unknown question id {key_text}."})
        else:
            question = Question.objects.filter(company=company, text__iexact=key_text).order_by("pk").first()
            if question is None:
                question = Question.objects.create(company=company, text=key_text[:500], type=QuestionType.TEXT)
        answers.append((question, validate_answer(question, value, field=field)))
    return fields, answers


def _save_answers(candidate: Candidate, answers: list[tuple[Question, Any]]) -> list[int]:
    changed = []
    for question, value in answers:
        if value is None:
            if ProfileAnswer.objects.filter(candidate=candidate, question=question).delete()[0]:
                changed.append(question.pk)
            continue
        answer, created = ProfileAnswer.objects.get_or_create(
            candidate=candidate, question=question, defaults={"company_id": candidate.company_id, "value": value}
        )
        if created or answer.value != value:
            answer.value = value
            answer.save(update_fields=["value", "updated_at"])
            changed.append(question.pk)
    return changed


# --- candidates ------------------------------------------------------------------------------


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise the writable candidate fields present in `data` (absent keys stay absent)."""
    clean: dict[str, Any] = {}
    for field in PLAIN_FIELDS:
        if field in data and data[field] is not None:
            clean[field] = str(data[field]).strip()[: Candidate._meta.get_field(field).max_length]
    if data.get("email") is not None:
        clean["email"] = normalize.email(data["email"])
    if data.get("phone") is not None:
        clean["phone"] = normalize.phone(data["phone"], country=data.get("country") or "")
    if data.get("linkedin") is not None:
        clean["linkedin"] = normalize.linkedin(data["linkedin"])
    if data.get("timezone") is not None:
        clean["timezone"] = _check_timezone(data["timezone"])
    return clean


def _check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    value = (value or "").strip()
    if not value:
        return ""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed({"timezone": f"{value!r} is not an IANA timezone (e.g. America/Los_Angeles)."}) from None
    return value


def _apply(candidate: Candidate, clean: dict[str, Any], *, only_blank: bool = False) -> list[str]:
    """Set the plain fields; with only_blank, never overwrite a value already there (dedupe)."""
    changed = []
    for field in (*PLAIN_FIELDS, "linkedin", "timezone"):
        writable = field in clean and (not only_blank or not getattr(candidate, field))
        if writable and getattr(candidate, field) != clean[field]:
            setattr(candidate, field, clean[field])
            changed.append(field)
    location_changed = {"city", "state", "country"} & set(changed)
    if "timezone" not in clean and location_changed and (not only_blank or not candidate.timezone):
        resolved = resolve_timezone(city=candidate.city, state=candidate.state, country=candidate.country)
        if resolved and resolved != candidate.timezone:
            candidate.timezone = resolved
            changed.append("timezone")
    return changed


def fill_blanks(*, candidate: Candidate, values: dict[str, str], source: str) -> list[str]:
    """Fill the candidate's empty fields from `values` (e.g. read from their resume by `source`) through the
    API's own normalisation: a value that does not validate, or an email another candidate has, is skipped;
    what is already there is never overwritten. Contacts, search and the event stay as for any update."""
    row = Candidate.objects.select_for_update().get(pk=candidate.pk)
    clean: dict[str, Any] = {}
    for field, value in values.items():
        data = {field: value, **({"country": values.get("country") or row.country} if field == "phone" else {})}
        try:
            clean[field] = _clean_fields(data)[field]
        except ValidationFailed:
            continue
    email, phone = clean.pop("email", ""), clean.pop("phone", "")
    changed = _apply(row, clean, only_blank=True)
    if email and not row.email and find_by_email(company=row.company_id, email=email) is None:
        _set_primary_email(row, email)
        changed.append("email")
    if phone and not row.phone:
        _set_primary_phone(row, phone)
        changed.append("phone")
    if changed:
        _refresh_search(row)
        row.save()
        record(
            kind="candidate.updated",
            company=row.company,
            subject=row,
            candidate_id=row.pk,
            data={"fields": changed, "source": source},
        )
        for field in (*changed, "name_key", "updated_at"):
            setattr(candidate, field, getattr(row, field))
    return changed


def _resolve_job_stage(company, job_id, stage_id):
    from hireloop.jobs.models import Job, Stage

    if stage_id is not None and job_id is None:
        raise ValidationFailed({"stage_id": "stage_id requires job_id."})
    if job_id is None:
        return None, None
    text = str(job_id).strip()
    job = Job.objects.filter(company=company, **({"pk": int(text)} if text.isdigit() else {"alias": text})).first()
    if job is None:
        raise NotFound("Job not found")
    stage = None
    if stage_id is not None:
        stage = Stage.objects.filter(company=company, pk=stage_id).first()
        if stage is None:
            raise ValidationFailed({"stage_id": "Unknown stage."})
    return job, stage


def _apply_to_job(*, company, actor, candidate, job, stage, dedupe: bool) -> None:
    from hireloop.applications.services import create_application

    if job is None:
        return
    try:
        with transaction.atomic():
            create_application(company=company, candidate=candidate, job=job, stage=stage, actor=actor)
    except Conflict:
        if not dedupe:
            raise


def _save_changes(*, company, actor, candidate, changed: list[str], answers, cv, job, stage, deduplicated: bool):
    """The end of every candidate write: save, store answers and CV, record the event, apply to the job."""
    _refresh_search(candidate)
    candidate.save()
    changed += [f"profile.{q}" for q in _save_answers(candidate, answers)]
    if cv is not None:
        add_file(company=company, actor=actor, candidate=candidate, payload=cv, type=FileType.RESUME, field="cv")
        changed.append("cv")
    record(
        kind="candidate.updated",
        company=company,
        subject=candidate,
        actor=actor,
        candidate_id=candidate.pk,
        data={"fields": changed, **({"deduplicated_by": "email"} if deduplicated else {})},
    )
    _apply_to_job(company=company, actor=actor, candidate=candidate, job=job, stage=stage, dedupe=deduplicated)


@transaction.atomic
def create_candidate(
    *,
    company,
    actor,
    data: dict[str, Any],
    profile: dict[str, Any] | None = None,
    cv: FileData | None = None,
    job_id=None,
    stage_id=None,
    origin: str = "API",
) -> tuple[Candidate, bool]:
    """Create a candidate, or — when `email` (or a profile Email) already belongs to one — update that one.

    Deduplication by email: the existing candidate keeps every value it has; blank fields are filled,
    profile answers, the CV and the application are added. Returns (candidate, created).
    """
    profile_fields, answers = _split_profile(company, profile or {})
    merged = {**profile_fields, **{k: v for k, v in data.items() if v is not None}}
    clean = _clean_fields(merged)
    job, stage = _resolve_job_stage(company, job_id, stage_id)
    existing = find_by_email(company=company, email=clean.get("email", ""))
    if existing is not None:
        candidate = Candidate.objects.select_for_update().get(pk=existing.pk)
        changed = _apply(candidate, clean, only_blank=True)
        if clean.get("phone") and not candidate.phone:
            _set_primary_phone(candidate, clean["phone"])
            changed.append("phone")
        _save_changes(
            company=company,
            actor=actor,
            candidate=candidate,
            changed=changed,
            answers=answers,
            cv=cv,
            job=job,
            stage=stage,
            deduplicated=True,
        )
        return candidate, False

    candidate = Candidate(company=company, origin=origin_named(company=company, name=origin) if origin else None)
    assign_alias(candidate)
    _apply(candidate, clean)
    candidate.email = clean.get("email", "")
    candidate.phone = clean.get("phone", "")
    candidate.name_key = name_key(candidate.first_name, candidate.last_name)
    candidate.save()
    CandidateSearch.objects.create(
        candidate=candidate, company=company, text=search_text(candidate, [candidate.email] if candidate.email else [])
    )
    if candidate.email:
        CandidateEmail.objects.create(company=company, candidate=candidate, email=candidate.email)
    if candidate.phone:
        CandidatePhone.objects.create(company=company, candidate=candidate, phone=candidate.phone)
    _save_answers(candidate, answers)
    forget_count(company.pk)
    record(
        kind="candidate.created",
        company=company,
        subject=candidate,
        actor=actor,
        candidate_id=candidate.pk,
        data={"origin": origin},
    )
    if cv is not None:
        add_file(company=company, actor=actor, candidate=candidate, payload=cv, type=FileType.RESUME, field="cv")
    _apply_to_job(company=company, actor=actor, candidate=candidate, job=job, stage=stage, dedupe=False)
    return candidate, True


@transaction.atomic
def update_candidate(
    *,
    company,
    actor,
    candidate: Candidate,
    data: dict[str, Any],
    profile: dict[str, Any] | None = None,
    cv: FileData | None = None,
    job_id=None,
    stage_id=None,
) -> Candidate:
    """Change the supplied fields; `email`/`phone` become the primary ones; `job_id` adds an application."""
    profile_fields, answers = _split_profile(company, profile or {})
    clean = _clean_fields({**profile_fields, **data})
    job, stage = _resolve_job_stage(company, job_id, stage_id)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    changed = _apply(candidate, clean)
    if "email" in clean and clean["email"] != candidate.email:
        if clean["email"]:
            owner = find_by_email(company=company, email=clean["email"])
            if owner is not None and owner.pk != candidate.pk:
                raise Conflict("Another candidate already has this email; merge them instead.", candidate_id=owner.pk)
        _set_primary_email(candidate, clean["email"])
        changed.append("email")
    if "phone" in clean and clean["phone"] != candidate.phone:
        _set_primary_phone(candidate, clean["phone"])
        changed.append("phone")
    _save_changes(
        company=company,
        actor=actor,
        candidate=candidate,
        changed=changed,
        answers=answers,
        cv=cv,
        job=job,
        stage=stage,
        deduplicated=False,
    )
    return candidate


def _delete_stored_files(files) -> None:
    names = [(f.file.storage, f.file.name) for f in files if f.file]

    def remove() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove)


@transaction.atomic
def delete_candidate(*, company, actor, candidate: Candidate) -> None:
    """Delete a candidate with everything of theirs, including stored file bytes (removed on commit)."""
    _delete_stored_files(list(CandidateFile.objects.filter(candidate=candidate)))
    forget_count(company.pk)
    record(
        kind="candidate.deleted",
        company=company,
        subject=candidate,
        actor=actor,
        candidate_id=candidate.pk,
        data={"alias": candidate.alias},
    )
    candidate.delete()


# --- tags ------------------------------------------------------------------------------------


def clean_tags(tags: list[str]) -> list[str]:
    result = []
    for tag in tags:
        text = " ".join(str(tag).split())
        if not text:
            raise ValidationFailed({"tags": "A tag cannot be blank."})
        if len(text) > MAX_TAG_LENGTH:
            raise ValidationFailed({"tags": f"A tag is at most {MAX_TAG_LENGTH} characters."})
        if text not in result:
            result.append(text)
    if not result:
        raise ValidationFailed({"tags": "Give at least one tag."})
    return result


def _tag_rows(company, names: list[str]) -> list[Tag]:
    Tag.objects.bulk_create([Tag(company=company, name=n) for n in names], ignore_conflicts=True)
    by_name = {t.name: t for t in Tag.objects.filter(company=company, name__in=names)}
    return [by_name[n] for n in names]


def add_tags_many(*, company, actor, candidates: list[Candidate], tags: list[str]) -> None:
    """Attach tags to several candidates at once (already attached ones are left as they are)."""
    names = clean_tags(tags)
    with transaction.atomic():
        rows = _tag_rows(company, names)
        CandidateTag.objects.bulk_create(
            [CandidateTag(company=company, candidate=c, tag=t) for c in candidates for t in rows],
            ignore_conflicts=True,
        )
        now = timezone.now()
        Candidate.objects.filter(pk__in=[c.pk for c in candidates]).update(updated_at=now)
        for candidate in candidates:
            candidate.updated_at = now
            record(
                kind="candidate.updated",
                company=company,
                subject=candidate,
                actor=actor,
                candidate_id=candidate.pk,
                data={"change": "tags", "tags_added": names},
            )


def remove_tags_many(*, company, actor, candidates: list[Candidate], tags: list[str]) -> None:
    """Detach tags (by exact, case-sensitive text) from several candidates."""
    names = clean_tags(tags)
    with transaction.atomic():
        CandidateTag.objects.filter(
            company=company, candidate__in=[c.pk for c in candidates], tag__name__in=names
        ).delete()
        now = timezone.now()
        Candidate.objects.filter(pk__in=[c.pk for c in candidates]).update(updated_at=now)
        for candidate in candidates:
            candidate.updated_at = now
            record(
                kind="candidate.updated",
                company=company,
                subject=candidate,
                actor=actor,
                candidate_id=candidate.pk,
                data={"change": "tags", "tags_removed": names},
            )


def add_tags(*, company, actor, candidate: Candidate, tags: list[str]) -> None:
    """Attach tags to one candidate."""
    add_tags_many(company=company, actor=actor, candidates=[candidate], tags=tags)


def remove_tag(*, company, actor, candidate: Candidate, tag: str) -> None:
    """Detach one tag; a tag the candidate does not have is a 404."""
    if not CandidateTag.objects.filter(candidate=candidate, tag__name=tag).exists():
        raise NotFound("Tag not found on this candidate")
    remove_tags_many(company=company, actor=actor, candidates=[candidate], tags=[tag])


# --- files -----------------------------------------------------------------------------------


@transaction.atomic
def add_file(
    *,
    company,
    actor,
    candidate: Candidate | None,
    payload: FileData,
    type: str = FileType.OTHER,
    category: str = AttachmentCategory.CANDIDATE,
    object_id: int | None = None,
    field: str = "file",
) -> CandidateFile:
    """Store an uploaded file (size-checked, type sniffed from its bytes, random storage name).

    A resume is parsed in the background once the transaction commits.
    """
    decoded = decode_file(payload, field=field)
    stored = CandidateFile(
        company=company,
        candidate=candidate,
        category=category,
        object_id=object_id if object_id is not None else (candidate.pk if candidate else None),
        type=type,
        original_name=decoded.file_name,
        mime_type=decoded.mime_type,
        size=decoded.size,
        uploaded_by=actor,
    )
    stored.file.save(decoded.file_name, decoded.as_django_file(), save=False)
    stored.save()
    if candidate is not None:
        touch(candidate)
    record(
        kind="file.added",
        company=company,
        subject=stored,
        actor=actor,
        candidate_id=candidate.pk if candidate else None,
        data={"type": type, "category": category, "file_name": stored.original_name, "mime_type": stored.mime_type},
    )
    if type == FileType.RESUME and candidate is not None:
        from hireloop.ai.tasks import parse_and_store

        enqueue_on_commit(parse_and_store, stored.pk)
    return stored


# --- disqualify ------------------------------------------------------------------------------


def disqualify_candidate(*, company, actor, candidate: Candidate, reason_ids: list[int]) -> list[int]:
    """Disqualify the candidate from every active application; returns the affected application ids."""
    from hireloop.applications.models import Application
    from hireloop.applications.services import disqualify_application

    with transaction.atomic():
        applications = list(
            Application.objects.select_for_update()
            .filter(company=company, candidate=candidate, status="active", is_disqualified=False)
            .order_by("pk")
        )
        for application in applications:
            disqualify_application(company=company, application=application, actor=actor, reason_ids=reason_ids)
    return [a.pk for a in applications]


# --- questions and forms ---------------------------------------------------------------------


def _check_question(text: str, type: str, options: list[str] | None) -> tuple[str, str, list[str]]:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({"text": "Text cannot be blank."})
    if type not in QuestionType.values:
        raise ValidationFailed({"type": f"Unknown type; one of: {', '.join(QuestionType.values)}."})
    options = [str(o).strip() for o in (options or []) if str(o).strip()]
    if type in CHOICE_TYPES and not options:
        raise ValidationFailed({"options": "A choice question needs at least one option."})
    if type not in CHOICE_TYPES and options:
        raise ValidationFailed({"options": "Only select and multiselect questions take options."})
    if len(set(options)) != len(options):
        raise ValidationFailed({"options": "Options must be distinct."})
    return text[:500], type, options


@transaction.atomic
def create_question(*, company, actor, text: str, type: str, options: list[str] | None = None) -> Question:
    """Add a question to the company's catalogue."""
    text, type, options = _check_question(text, type, options)
    question = Question.objects.create(company=company, text=text, type=type, options=options)
    record(kind="question.created", company=company, subject=question, actor=actor, data={"type": type})
    return question


@transaction.atomic
def update_question(*, company, actor, question: Question, text: str, type: str, options: list[str] | None) -> Question:
    """Redefine a question; existing answers are kept as they were given."""
    question.text, question.type, question.options = _check_question(text, type, options)
    question.save()
    record(kind="question.updated", company=company, subject=question, actor=actor, data={"type": question.type})
    return question


@transaction.atomic
def delete_question(*, company, actor, question: Question) -> None:
    """Remove a question with its answers and its places in forms."""
    record(kind="question.deleted", company=company, subject=question, actor=actor, data={"text": question.text})
    question.delete()


def default_form(*, company) -> Form:
    """The company's default application form (created on first use)."""
    form = Form.objects.filter(company=company, is_default=True).first()
    if form is None:
        form = Form.objects.create(company=company, name="Default application form", is_default=True)
    return form


def _questions_for(company, ids: list[int]) -> list[Question]:
    found = {q.pk: q for q in Question.objects.filter(company=company, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed({"questions": f"Unknown question ids: {', '.join(map(str, missing))}."})
    return [found[i] for i in dict.fromkeys(ids)]


def _set_form_questions(form: Form, questions: list[Question]) -> None:
    keep = {q.pk for q in questions}
    FormQuestion.objects.filter(form=form).exclude(question_id__in=keep).delete()
    existing = {fq.question_id: fq for fq in FormQuestion.objects.filter(form=form)}
    for position, question in enumerate(questions):
        item = existing.get(question.pk) or FormQuestion(form=form, question=question)
        item.position = position
        item.save()


@transaction.atomic
def create_form(*, company, actor, name: str, question_ids: list[int] | None = None) -> Form:
    """Create an application form from catalogue questions (optional by default)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "Name cannot be blank."})
    form = Form.objects.create(company=company, name=name[:200])
    _set_form_questions(form, _questions_for(company, question_ids or []))
    record(kind="form.created", company=company, subject=form, actor=actor, data={"name": form.name})
    return form


@transaction.atomic
def update_form(*, company, actor, form: Form, name: str, question_ids: list[int] | None = None) -> Form:
    """Rename a form and, when `question_ids` is given, recompose it (statuses of kept questions stay)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "Name cannot be blank."})
    form.name = name[:200]
    form.save()
    if question_ids is not None:
        _set_form_questions(form, _questions_for(company, question_ids))
    record(kind="form.updated", company=company, subject=form, actor=actor, data={"name": form.name})
    return form


@transaction.atomic
def delete_form(*, company, actor, form: Form) -> None:
    """Delete a form; the default form cannot be deleted."""
    if form.is_default:
        raise Conflict("The default form cannot be deleted.")
    record(kind="form.deleted", company=company, subject=form, actor=actor, data={"name": form.name})
    form.delete()


@transaction.atomic
def set_form_question_status(*, company, actor, form: Form, question: Question, status: str) -> FormQuestion:
    """Set one question's status in a form (adding it at the end when it is not there yet)."""
    if status not in FieldStatus.values:
        raise ValidationFailed({"status": "Must be required, optional or hidden."})
    item = FormQuestion.objects.filter(form=form, question=question).first()
    if item is None:
        position = (FormQuestion.objects.filter(form=form).aggregate(m=Max("position"))["m"] or -1) + 1
        item = FormQuestion(form=form, question=question, position=position)
    item.status = status
    item.save()
    record(
        kind="form.updated",
        company=company,
        subject=form,
        actor=actor,
        data={"question_id": question.pk, "status": status},
    )
    return item


# --- attachments -----------------------------------------------------------------------------


@transaction.atomic
def add_attachment(*, company, actor, category: str, object_id: int | None, payload: FileData) -> CandidateFile:
    """Store a file attached to a candidate, an application, a note, a job note or the company itself."""
    from hireloop.applications.models import Application

    candidate = None
    if category == AttachmentCategory.CANDIDATE:
        candidate = Candidate.objects.filter(company=company, pk=object_id).first() if object_id else None
        if candidate is None:
            raise NotFound("Candidate not found")
    elif category == AttachmentCategory.APPLICATION:
        application = Application.objects.filter(company=company, pk=object_id).select_related("candidate").first()
        if application is None:
            raise NotFound("Application not found")
        candidate = application.candidate
    elif category == AttachmentCategory.CANDIDATE_COMMENT:
        from hireloop.notes.models import Note

        note = Note.objects.filter(company=company, pk=object_id).select_related("candidate").first()
        if note is None:
            raise NotFound("Comment not found")
        candidate = note.candidate
    elif category.startswith("company_"):
        if object_id not in (None, company.pk):
            raise NotFound("Company not found")
        object_id = company.pk
    elif category == AttachmentCategory.VOICEMAIL:
        if payload.file_name.rsplit(".", 1)[-1].lower() not in ("wav", "mp3"):
            raise ValidationFailed({"file.file_name": "A voicemail is a .wav or .mp3 file."})
        object_id = None
    elif category == AttachmentCategory.JOB_NOTE and object_id is None:
        raise ValidationFailed({"object_id": "object_id is required for this category."})
    stored = add_file(
        company=company, actor=actor, candidate=candidate, payload=payload, category=category, object_id=object_id
    )
    if category == AttachmentCategory.VOICEMAIL and not stored.mime_type.startswith("audio/"):
        raise ValidationFailed({"file": "A voicemail must be WAV or MP3 audio."})
    return stored


def file_for_download(*, company, category: str, file_uuid) -> CandidateFile:
    stored = CandidateFile.objects.filter(company=company, uuid=file_uuid, category=category).first()
    if stored is None:
        raise NotFound("File not found")
    return stored


# --- merge -----------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside a dry-run merge to roll every write back."""


def _reverse_relations(model) -> list:
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _repoint(relation, old, new) -> tuple[int, int]:
    """Move rows of `relation` from `old` to `new`; rows that would break a unique constraint stay
    (they duplicate what `new` already has). Returns (moved, left)."""
    model, name = relation.related_model, relation.field.name
    queryset = model._default_manager.filter(**{name: old})
    if relation.one_to_one:
        if model._default_manager.filter(**{name: new}).exists():
            return 0, queryset.count()
        return queryset.update(**{name: new}), 0
    try:
        with transaction.atomic():
            return queryset.update(**{name: new}), 0
    except IntegrityError:
        pass
    moved = left = 0
    for pk in queryset.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                moved += model._default_manager.filter(pk=pk).update(**{name: new})
        except IntegrityError:
            left += 1
    return moved, left


def _merge_applications(kept: Candidate, duplicate: Candidate, moved: dict, conflicts: list) -> None:
    """Move the duplicate's applications; one to a job the kept candidate already applied to is folded
    into the kept application (its interviews, scores, … move there) and then removed — reported."""
    from hireloop.applications.models import Application

    kept_by_job = {a.job_id: a for a in Application.objects.filter(candidate=kept)}
    for application in Application.objects.filter(candidate=duplicate).order_by("pk"):
        target = kept_by_job.get(application.job_id)
        if target is None:
            Application.objects.filter(pk=application.pk).update(candidate=kept)
            moved["applications.application"] = moved.get("applications.application", 0) + 1
            continue
        folded: dict[str, int] = {}
        dropped: dict[str, int] = {}
        for relation in _reverse_relations(Application):
            count, left = _repoint(relation, application, target)
            label = relation.related_model._meta.label_lower
            if count:
                folded[label] = folded.get(label, 0) + count
            if left:
                dropped[label] = dropped.get(label, 0) + left
        conflicts.append(
            {
                "type": "application",
                "job_id": application.job_id,
                "kept_application_id": target.pk,
                "removed_application_id": application.pk,
                "removed_application_stage_id": application.stage_id,
                "moved_to_kept_application": folded,
                "dropped_as_duplicates": dropped,
            }
        )
        application.delete()


def _fill_blanks(kept: Candidate, duplicate: Candidate) -> list[str]:
    filled = []
    for field in (*PLAIN_FIELDS, "linkedin", "timezone", "ip", "source_id"):
        if not getattr(kept, field) and getattr(duplicate, field):
            setattr(kept, field, getattr(duplicate, field))
            filled.append(field.removesuffix("_id"))
    if duplicate.last_message_at and (not kept.last_message_at or duplicate.last_message_at > kept.last_message_at):
        kept.last_message_at = duplicate.last_message_at
    return filled


def merge_candidates(*, company, actor, kept: Candidate, duplicate: Candidate, dry_run: bool = False) -> dict:
    """Fold `duplicate` into `kept`: every row of every app that points at the duplicate (applications,
    files, tags, answers, emails, phones, notes, messages, references, the AI resume profile) and its
    timeline move to `kept`, blank fields of `kept` are filled, then the duplicate is deleted and the
    merge recorded. A dry run does all of it in a transaction that is rolled back and reports the same."""
    if kept.pk == duplicate.pk:
        raise ValidationFailed({"duplicate_id": "A candidate cannot be merged into itself."})
    outcome: dict = {}
    try:
        with transaction.atomic():
            outcome = _merge(company=company, actor=actor, kept=kept, duplicate=duplicate)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return {"dry_run": dry_run, "kept_id": kept.pk, "duplicate_id": duplicate.pk, **outcome}


def _merge(*, company, actor, kept: Candidate, duplicate: Candidate) -> dict:
    from hireloop.activity.models import Event
    from hireloop.applications.models import Application

    locked = {
        c.pk: c for c in Candidate.objects.select_for_update().filter(pk__in=[kept.pk, duplicate.pk]).order_by("pk")
    }
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    kept_emails = _emails(kept)
    moved: dict[str, int] = {}
    conflicts: list[dict] = []
    _merge_applications(kept, duplicate, moved, conflicts)
    for relation in _reverse_relations(Candidate):
        if relation.related_model in (Application, CandidateSearch):  # the search row is rebuilt below
            continue
        label = relation.related_model._meta.label_lower
        count, left = _repoint(relation, duplicate, kept)
        if count:
            moved[label] = moved.get(label, 0) + count
        if left:
            conflicts.append({"type": "kept_existing", "model": label, "rows": left})
    moved["activity.event"] = Event.objects.filter(company=company, candidate_id=duplicate.pk).update(
        candidate_id=kept.pk
    )
    # The kept candidate's primary contacts stay first.
    emails = kept_emails + [e for e in _emails(kept) if e not in kept_emails]
    for position, address in enumerate(emails):
        CandidateEmail.objects.filter(candidate=kept, email=address).update(position=position)
    phones = list(CandidatePhone.objects.filter(candidate=kept).order_by("position", "pk"))
    kept_phone_first = sorted(phones, key=lambda p: p.phone != kept.phone)
    for position, row in enumerate(kept_phone_first):
        CandidatePhone.objects.filter(pk=row.pk).update(position=position)
    filled = _fill_blanks(kept, duplicate)
    if not kept.email and emails:
        kept.email = emails[0]
    if not kept.phone and phones:
        kept.phone = kept_phone_first[0].phone
    _refresh_search(kept)
    kept.save()
    summary = {"moved": moved, "conflicts": conflicts, "filled_fields": filled}
    record(
        kind="candidate.merged",
        company=company,
        subject=kept,
        actor=actor,
        candidate_id=kept.pk,
        data={"duplicate_id": duplicate.pk, "duplicate_alias": duplicate.alias, **summary},
    )
    duplicate.delete()
    forget_count(company.pk)
    return summary


# --- GDPR ------------------------------------------------------------------------------------


ANONYMOUS_NAME = "Anonymized"


@transaction.atomic
def anonymize_candidate(*, company, actor, candidate: Candidate) -> dict:
    """Irreversibly erase a person: personal fields are blanked; their files (bytes too), contact rows,
    answers, tags, notes, messages and every other row about them are deleted; rows that merely point
    at them with SET_NULL are detached; event payloads are emptied. Applications (job, stage, dates,
    outcome) stay, so pipeline statistics keep counting an anonymous candidate."""
    from hireloop.activity.models import Event
    from hireloop.applications.models import Application

    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    _delete_stored_files(list(CandidateFile.objects.filter(candidate=candidate)))
    removed: dict[str, int] = {}
    for relation in _reverse_relations(Candidate):
        model, name = relation.related_model, relation.field.name
        if model is Application:
            continue
        queryset = model._default_manager.filter(**{name: candidate})
        if relation.field.null and relation.field.remote_field.on_delete.__name__ == "SET_NULL":
            count = queryset.update(**{name: None})
        else:
            count = queryset.delete()[1].get(model._meta.label, 0)
        if count:
            removed[model._meta.label_lower] = count
    for field in PLAIN_FIELDS:
        setattr(candidate, field, "")
    candidate.first_name = ANONYMOUS_NAME
    candidate.email = candidate.phone = candidate.linkedin = candidate.timezone = ""
    candidate.ip = None
    candidate.is_anonymized = True
    candidate.name_key = ""
    candidate.save()
    Event.objects.filter(company=company, candidate_id=candidate.pk).update(data={}, ip=None, user_agent="")
    record(
        kind="candidate.anonymized",
        company=company,
        subject=candidate,
        actor=actor,
        candidate_id=candidate.pk,
        data={"removed": removed},
    )
    return removed
