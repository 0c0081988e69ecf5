"""Every state change of reference checks: question sets, requests, referees, answers, reminders,
verification and risk flags."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

import phonenumbers
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from hireloop.activity.services import record
from hireloop.core.errors import Conflict, TooManyRequests, ValidationFailed
from hireloop.core.tasks import enqueue_on_commit
from hireloop.references.library import LIBRARY
from hireloop.references.models import (
    Answer,
    Question,
    QuestionSet,
    QuestionType,
    Reference,
    ReferenceRequest,
    ReferenceStatus,
    Relationship,
    RequestStatus,
)

# Automatic reminders go out this long after the invitation, at most REMINDER_MAX in all.
REMINDER_OFFSETS = (timedelta(hours=24), timedelta(hours=48), timedelta(hours=96))
REMINDER_MAX = 3
MANUAL_REMINDER_INTERVAL = timedelta(hours=12)
LINK_TTL = timedelta(days=getattr(settings, "REFERENCE_LINK_TTL_DAYS", 30))
# A questionnaire finished faster than this (seconds per question, with a floor) is flagged.
FAST_SECONDS_PER_QUESTION = 4
FAST_SECONDS_FLOOR = 20
MAX_REFEREES_PER_REQUEST = 20

# fmt: off
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com", "hotmail.co.uk",
    "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com",
    "zoho.com", "qq.com", "163.com", "126.com", "tutanota.com", "fastmail.com", "hey.com",
})
# fmt: on


# --- links -------------------------------------------------------------------------------------------

LINK_KINDS = {"candidate": "c", "questionnaire": "q", "verification": "v"}


def _nonce() -> str:
    return secrets.token_urlsafe(16)


def make_token(kind: str, obj: ReferenceRequest | Reference) -> str:
    """A signed single-purpose token naming one row and its current nonce."""
    return signing.Signer(salt=f"hireloop.references.{kind}").sign(f"{obj.pk}.{obj.token_nonce}")


def read_token(kind: str, token: str) -> tuple[int, str] | None:
    """(id, nonce) from a token of `kind`, or None when it was forged, truncated or is of another kind."""
    try:
        value = signing.Signer(salt=f"hireloop.references.{kind}").unsign(token)
    except signing.BadSignature:
        return None
    pk, _, nonce = value.partition(".")
    return (int(pk), nonce) if pk.isdigit() and nonce else None


def link(kind: str, obj: ReferenceRequest | Reference) -> str:
    base = (obj.base_url or "http://localhost:8000").rstrip("/")
    return f"{base}/r/{LINK_KINDS[kind]}/{make_token(kind, obj)}/"


# --- sending -----------------------------------------------------------------------------------------


def _send(
    *,
    company,
    email: str,
    phone: str,
    country_code: str = "",
    subject: str,
    lines: list[str],
    url: str,
    sms: str,
    candidate=None,
    actor=None,
    kind: str,
    related: tuple[str, int],
) -> list[str]:
    """Hand one email and one text message to messaging for delivery; returns the channels used.

    A phone that is not a valid international number only loses its SMS, never the action itself.
    """
    from hireloop.messaging.services import send_email, send_sms

    channels = []
    if email:
        text = "\n\n".join([*lines, url])
        html = "".join(f"<p>{escape(line)}</p>" for line in lines) + f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
        send_email(
            company=company,
            to=[email],
            subject=subject,
            body_html=html,
            body_text=text,
            candidate=candidate,
            actor=actor,
            kind=kind,
            related=related,
        )
        channels.append("email")
    to_phone = normalise_phone(phone, country_code)
    if to_phone.startswith("+"):
        try:
            send_sms(
                company=company,
                to_phone=to_phone,
                body=f"{sms} {url}",
                candidate=candidate,
                actor=actor,
                kind=kind,
                related=related,
            )
            channels.append("sms")
        except ValidationFailed:
            pass
    return channels


def _company_name(company) -> str:
    return company.name


def _send_candidate_invitation(request: ReferenceRequest, *, actor=None, reminder: bool = False) -> list[str]:
    candidate = request.candidate
    company = _company_name(request.company)
    greeting = f"Hello {candidate.first_name or candidate.full_name or 'there'},"
    ask = (
        f"{company} asks you for at least {request.min_references} professional references"
        + (f", including {request.min_manager_references} manager(s)" if request.min_manager_references else "")
        + ". Enter your referees' contact details with this link:"
    )
    lines = [greeting, ask]
    if request.deadline:
        lines.insert(2, f"Please do so before {request.deadline:%Y-%m-%d %H:%M} UTC.")
    subject = f"{'Reminder: ' if reminder else ''}{company} asks for your references"
    return _send(
        company=request.company,
        email=candidate.email,
        phone=candidate.phone,
        subject=subject,
        lines=lines,
        url=link("candidate", request),
        sms=f"{'Reminder: ' if reminder else ''}{company} asks for your references. Add them here:",
        candidate=candidate,
        actor=actor,
        kind="reference_request_reminder" if reminder else "reference_request",
        related=("reference_request", request.pk),
    )


def _send_referee_invitation(reference: Reference, *, actor=None, reminder: bool = False) -> list[str]:
    candidate = reference.candidate
    company = _company_name(reference.company)
    lines = [
        f"Hello {reference.first_name},",
        f"{candidate.full_name} named you as a professional reference for {company}. "
        "The questionnaire takes a few minutes; please answer it with this personal link:",
    ]
    subject = f"{'Reminder: ' if reminder else ''}Reference for {candidate.full_name}"
    return _send(
        company=reference.company,
        email=reference.email,
        phone=reference.phone,
        country_code=reference.country_code,
        subject=subject,
        lines=lines,
        url=link("questionnaire", reference),
        sms=f"{'Reminder: ' if reminder else ''}{candidate.full_name} named you as a reference for {company}:",
        actor=actor,
        kind="reference_reminder" if reminder else "reference_invitation",
        related=("reference", reference.pk),
    )


def _send_verification(reference: Reference, *, actor=None, reminder: bool = False) -> list[str]:
    candidate = reference.candidate
    lines = [
        f"Hello {reference.first_name},",
        f"Thank you for your reference for {candidate.full_name}. "
        "Please confirm that you gave it by opening this link:",
    ]
    return _send(
        company=reference.company,
        email=reference.email,
        phone=reference.phone,
        country_code=reference.country_code,
        subject=f"{'Reminder: ' if reminder else ''}Confirm your reference for {candidate.full_name}",
        lines=lines,
        url=link("verification", reference),
        sms=f"Confirm your reference for {candidate.full_name}:",
        actor=actor,
        kind="reference_verification",
        related=("reference", reference.pk),
    )


# --- question sets -----------------------------------------------------------------------------------


def ensure_library(*, company) -> None:
    """Give `company` the ready-made question sets it lacks (idempotent; safe under races)."""
    have = set(QuestionSet.objects.filter(company=company, is_library=True).values_list("library_key", flat=True))
    for entry in LIBRARY:
        if entry["key"] in have:
            continue
        try:
            with transaction.atomic():
                qs = QuestionSet.objects.create(
                    company=company,
                    name=entry["name"],
                    description=entry["description"],
                    is_library=True,
                    library_key=entry["key"],
                )
                Question.objects.bulk_create(
                    Question(company=company, question_set=qs, order=i, **_clean_question(q, field="questions"))
                    for i, q in enumerate(entry["questions"], start=1)
                )
        except IntegrityError:
            continue  # another request created it first


def library_set(*, company, key: str) -> QuestionSet:
    ensure_library(company=company)
    return QuestionSet.objects.get(company=company, is_library=True, library_key=key)


def _clean_question(data: dict, *, field: str) -> dict:
    """Validate one question's fields; returns model fields."""
    text = (data.get("text") or "").strip()
    qtype = data.get("type")
    if not text:
        raise ValidationFailed({f"{field}.text": "This field is required."})
    if qtype not in QuestionType.values:
        raise ValidationFailed({f"{field}.type": f"Must be one of {', '.join(QuestionType.values)}."})
    scale = data.get("scale")
    scale_min, scale_max = data.get("scale_min"), data.get("scale_max")
    if isinstance(scale, dict):
        scale_min, scale_max = scale.get("min", 1), scale.get("max")
    elif isinstance(scale, int):
        scale_min, scale_max = 1, scale
    choices = [str(c).strip() for c in (data.get("choices") or []) if str(c).strip()]
    if qtype == QuestionType.SCALE:
        scale_min = 1 if scale_min is None else scale_min
        scale_max = 5 if scale_max is None else scale_max
        if not (0 <= scale_min < scale_max <= 100):
            raise ValidationFailed({f"{field}.scale": "A scale needs 0 <= min < max <= 100, e.g. {min: 1, max: 5}."})
        choices = []
    else:
        scale_min = scale_max = None
    if qtype == QuestionType.SINGLE_CHOICE:
        if len(choices) < 2 or len(set(choices)) != len(choices):
            raise ValidationFailed({f"{field}.choices": "A single_choice question needs at least 2 distinct choices."})
    else:
        choices = []
    return {
        "text": text,
        "type": qtype,
        "scale_min": scale_min,
        "scale_max": scale_max,
        "choices": choices,
        "category": (data.get("category") or "").strip().lower()[:50],
        "language": (data.get("language") or "en").strip()[:10] or "en",
        "required": bool(data.get("required", True)),
    }


def _require_editable(question_set: QuestionSet) -> None:
    if question_set.is_library:
        raise Conflict("Ready-made question sets are read-only: copy it with POST /question-sets/{id}/copy.")


def _write_questions(question_set: QuestionSet, questions: list[dict]) -> None:
    # A question without its own language speaks the set's.
    questions = [{**q, "language": q.get("language") or question_set.language} for q in questions]
    cleaned = [_clean_question(q, field=f"questions.{i}") for i, q in enumerate(questions)]
    rows = []
    for i, (raw, fields) in enumerate(zip(questions, cleaned, strict=True), start=1):
        rows.append(
            Question(company=question_set.company, question_set=question_set, order=raw.get("order") or i, **fields)
        )
    Question.objects.bulk_create(rows)


@transaction.atomic
def create_question_set(
    *, company, actor, name: str, description: str = "", language: str = "en", questions: list[dict]
) -> QuestionSet:
    """Create an editable question set with its questions."""
    if not name.strip():
        raise ValidationFailed({"name": "This field is required."})
    qs = QuestionSet.objects.create(
        company=company, name=name.strip(), description=description, language=language or "en", created_by=actor
    )
    _write_questions(qs, questions)
    record(kind="question_set.created", company=company, subject=qs, actor=actor, data={"questions": len(questions)})
    return qs


@transaction.atomic
def update_question_set(*, company, actor, question_set: QuestionSet, questions: list[dict] | None = None, **changes):
    """Rename or re-describe a set; `questions`, when sent, replaces all of its questions."""
    _require_editable(question_set)
    changed = []
    for field, value in changes.items():
        if value is not None and getattr(question_set, field) != value:
            setattr(question_set, field, value.strip() if isinstance(value, str) else value)
            changed.append(field)
    if "name" in changed and not question_set.name:
        raise ValidationFailed({"name": "This field is required."})
    if questions is not None:
        # Answers keep their own copy of the question, so replacing questions never changes history.
        question_set.questions.all().delete()
        _write_questions(question_set, questions)
        changed.append("questions")
    if changed:
        question_set.save()
        record(
            kind="question_set.updated", company=company, subject=question_set, actor=actor, data={"fields": changed}
        )
    return question_set


@transaction.atomic
def delete_question_set(*, company, actor, question_set: QuestionSet) -> None:
    _require_editable(question_set)
    in_use = (
        ReferenceRequest.objects.filter(company=company, question_set=question_set).exists()
        or Reference.objects.filter(company=company, question_set=question_set).exists()
    )
    if in_use:
        raise Conflict("This question set is used by reference requests and cannot be deleted.")
    record(kind="question_set.deleted", company=company, subject=question_set, actor=actor)
    question_set.delete()


@transaction.atomic
def copy_question_set(*, company, actor, question_set: QuestionSet, name: str | None = None) -> QuestionSet:
    """Copy a set (usually a ready-made one) into an editable set of the company."""
    copy = QuestionSet.objects.create(
        company=company,
        name=(name or f"{question_set.name} (copy)").strip(),
        description=question_set.description,
        language=question_set.language,
        copied_from=question_set,
        created_by=actor,
    )
    Question.objects.bulk_create(
        Question(
            company=company,
            question_set=copy,
            text=q.text,
            type=q.type,
            scale_min=q.scale_min,
            scale_max=q.scale_max,
            choices=q.choices,
            category=q.category,
            language=q.language,
            required=q.required,
            order=q.order,
        )
        for q in question_set.questions.all()
    )
    record(kind="question_set.copied", company=company, subject=copy, actor=actor, data={"from": question_set.pk})
    return copy


@transaction.atomic
def add_question(*, company, actor, question_set: QuestionSet, data: dict) -> Question:
    _require_editable(question_set)
    fields = _clean_question({"language": question_set.language, **data}, field="question")
    order = data.get("order")
    if order is None:
        order = (question_set.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    question = Question.objects.create(company=company, question_set=question_set, order=order, **fields)
    question_set.save(update_fields=["updated_at"])
    record(kind="question.created", company=company, subject=question, actor=actor, data={"set": question_set.pk})
    return question


@transaction.atomic
def update_question(*, company, actor, question: Question, data: dict) -> Question:
    _require_editable(question.question_set)
    current = {
        "text": question.text,
        "type": question.type,
        "scale_min": question.scale_min,
        "scale_max": question.scale_max,
        "choices": question.choices,
        "category": question.category,
        "language": question.language,
        "required": question.required,
    }
    merged = {**current, **{k: v for k, v in data.items() if v is not None and k != "order"}}
    if "scale" in data and data["scale"] is not None:
        merged.pop("scale_min"), merged.pop("scale_max")
    fields = _clean_question(merged, field="question")
    if data.get("order") is not None:
        fields["order"] = data["order"]
    changed = [f for f, v in fields.items() if getattr(question, f) != v]
    for f in changed:
        setattr(question, f, fields[f])
    if changed:
        question.save()
        record(kind="question.updated", company=company, subject=question, actor=actor, data={"fields": changed})
    return question


@transaction.atomic
def delete_question(*, company, actor, question: Question) -> None:
    _require_editable(question.question_set)
    record(kind="question.deleted", company=company, subject=question, actor=actor)
    question.delete()


# --- reminders ---------------------------------------------------------------------------------------


def _request_is_open(request: ReferenceRequest | None, now: datetime) -> bool:
    return request is None or (
        request.status == RequestStatus.OPEN and (request.deadline is None or request.deadline > now)
    )


def _remindable(obj: ReferenceRequest | Reference, now: datetime) -> bool:
    if obj.sent_at is None:
        return False
    if isinstance(obj, ReferenceRequest):
        return _request_is_open(obj, now)
    return obj.status in (ReferenceStatus.INVITED, ReferenceStatus.IN_PROGRESS) and _request_is_open(
        obj.reference_request, now
    )


@dataclass
class ReminderInfo:
    next_scheduled_at: datetime | None
    latest_sent_at: datetime | None
    count: int
    count_exceeded: bool
    rate_exceeded: bool
    manual_allowed_at: datetime | None


def reminder_info(obj: ReferenceRequest | Reference, *, now: datetime | None = None) -> ReminderInfo:
    """001's reminder object: the next automatic reminder, the latest, how many, and the limits."""
    now = now or timezone.now()
    exceeded = obj.reminder_count >= REMINDER_MAX
    next_at = None
    if not exceeded and obj.reminder_auto_count < len(REMINDER_OFFSETS) and _remindable(obj, now):
        next_at = obj.sent_at + REMINDER_OFFSETS[obj.reminder_auto_count]
    allowed_at = obj.manual_reminder_at + MANUAL_REMINDER_INTERVAL if obj.manual_reminder_at else None
    return ReminderInfo(
        next_scheduled_at=next_at,
        latest_sent_at=obj.reminder_latest_sent_at,
        count=obj.reminder_count,
        count_exceeded=exceeded,
        rate_exceeded=bool(allowed_at and allowed_at > now),
        manual_allowed_at=allowed_at if allowed_at and allowed_at > now else None,
    )


def _schedule_reminders(target: str, obj: ReferenceRequest | Reference) -> None:
    from hireloop.references.tasks import send_scheduled_reminder

    for slot, offset in enumerate(REMINDER_OFFSETS):
        enqueue_on_commit(
            send_scheduled_reminder.using(run_after=obj.sent_at + offset), target=target, object_id=obj.pk, slot=slot
        )


def _too_soon(last: datetime | None, what: str) -> None:
    now = timezone.now()
    if last is not None and last + MANUAL_REMINDER_INTERVAL > now:
        allowed_at = last + MANUAL_REMINDER_INTERVAL
        seconds = max(int((allowed_at - now).total_seconds()), 1)
        raise TooManyRequests(
            f"A {what} was sent less than 12 hours ago; the next one is allowed at {allowed_at:%Y-%m-%d %H:%M:%S} UTC.",
            headers={"Retry-After": str(seconds)},
            retry_at=int(allowed_at.timestamp()),
            rate_exceeded=True,
        )


def _record_reminder(obj, *, kind: str, actor, manual: bool, channels: list[str], candidate_id: int) -> None:
    now = timezone.now()
    obj.reminder_count += 1
    obj.reminder_latest_sent_at = now
    fields = ["reminder_count", "reminder_latest_sent_at", "updated_at"]
    if manual:
        obj.manual_reminder_at = now
        fields.append("manual_reminder_at")
    obj.save(update_fields=fields)
    record(
        kind=kind,
        company=obj.company,
        subject=obj,
        actor=actor,
        candidate_id=candidate_id,
        data={"count": obj.reminder_count, "manual": manual, "channels": channels},
    )


def _lock(model, pk: int):
    # Lock only the row itself, not the candidate and company rows joined for reading.
    return model.objects.select_for_update(of=("self",)).select_related("candidate", "company").filter(pk=pk).first()


@transaction.atomic
def remind_request(*, company, actor, reference_request: ReferenceRequest) -> ReferenceRequest:
    """Remind the candidate to enter referees (manual: one per 12 h, never after completion)."""
    request = _lock(ReferenceRequest, reference_request.pk)
    if request.status != RequestStatus.OPEN:
        raise Conflict(f"This reference request is {request.status}: no reminders are sent.")
    if not _request_is_open(request, timezone.now()):
        raise Conflict("The deadline of this reference request has passed.")
    if request.reminder_count >= REMINDER_MAX:
        raise Conflict(f"The candidate has had {REMINDER_MAX} reminders already (count_exceeded).")
    _too_soon(request.manual_reminder_at, "reminder to this candidate")
    channels = _send_candidate_invitation(request, actor=actor, reminder=True)
    if not channels:
        raise ValidationFailed({"candidate": "The candidate has neither an email address nor a phone number."})
    _record_reminder(
        request,
        kind="reference_request.reminder_sent",
        actor=actor,
        manual=True,
        channels=channels,
        candidate_id=request.candidate_id,
    )
    return request


@transaction.atomic
def remind_reference(*, company, actor, reference: Reference) -> Reference:
    """Remind a referee to answer (manual: one per 12 h, only while the questionnaire is open)."""
    ref = _lock(Reference, reference.pk)
    if ref.status in (ReferenceStatus.COMPLETED, ReferenceStatus.DECLINED):
        raise Conflict(f"This reference is {ref.status}: no reminders are sent.")
    if not _request_is_open(ref.reference_request, timezone.now()):
        raise Conflict("The reference request is closed: no reminders are sent.")
    if ref.reminder_count >= REMINDER_MAX:
        raise Conflict(f"This referee has had {REMINDER_MAX} reminders already (count_exceeded).")
    _too_soon(ref.manual_reminder_at, "reminder to this referee")
    channels = _send_referee_invitation(ref, actor=actor, reminder=True)
    _record_reminder(
        ref, kind="reference.reminder_sent", actor=actor, manual=True, channels=channels, candidate_id=ref.candidate_id
    )
    return ref


@transaction.atomic
def remind_verification(*, company, actor, reference: Reference) -> Reference:
    """Remind a referee to confirm the reference they gave (manual: one per 12 h)."""
    ref = _lock(Reference, reference.pk)
    if ref.status != ReferenceStatus.COMPLETED:
        raise Conflict("Only a completed reference can be verified.")
    if ref.verified_at is not None:
        raise Conflict("This reference is verified already.")
    _too_soon(ref.verification_reminder_at, "verification reminder to this referee")
    channels = _send_verification(ref, actor=actor, reminder=True)
    ref.verification_reminder_at = timezone.now()
    ref.save(update_fields=["verification_reminder_at", "updated_at"])
    record(
        kind="reference.verification_reminder_sent",
        company=company,
        subject=ref,
        actor=actor,
        candidate_id=ref.candidate_id,
        data={"channels": channels},
    )
    return ref


@transaction.atomic
def send_scheduled_reminder(*, target: str, object_id: int, slot: int) -> bool:
    """Send automatic reminder number `slot` (0-based) if it is still due; True when sent."""
    model = ReferenceRequest if target == "reference_request" else Reference
    obj = _lock(model, object_id)
    now = timezone.now()
    if obj is None or obj.reminder_auto_count > slot or obj.reminder_count >= REMINDER_MAX:
        return False
    if not _remindable(obj, now) or obj.sent_at + REMINDER_OFFSETS[slot] > now:
        return False
    if model is ReferenceRequest:
        channels = _send_candidate_invitation(obj, reminder=True)
        kind = "reference_request.reminder_sent"
    else:
        channels = _send_referee_invitation(obj, reminder=True)
        kind = "reference.reminder_sent"
    obj.reminder_auto_count = slot + 1
    obj.save(update_fields=["reminder_auto_count"])
    _record_reminder(obj, kind=kind, actor=None, manual=False, channels=channels, candidate_id=obj.candidate_id)
    return True


# --- reference requests ------------------------------------------------------------------------------


@transaction.atomic
def create_reference_request(
    *,
    company,
    actor,
    candidate,
    question_set: QuestionSet | None,
    min_references: int = 2,
    min_manager_references: int = 0,
    notes: str = "",
    deadline: datetime | None = None,
    base_url: str,
) -> ReferenceRequest:
    """Ask a candidate for referees: emails and texts them a link to the page where they enter them."""
    if min_manager_references > min_references:
        raise ValidationFailed({"min_manager_references": "Cannot exceed min_references."})
    if deadline is not None and deadline <= timezone.now():
        raise ValidationFailed({"deadline": "Must be in the future."})
    if not candidate.email and not candidate.phone:
        raise ValidationFailed({"candidate_id": "The candidate has neither an email address nor a phone number."})
    if question_set is None:
        question_set = library_set(company=company, key="manager_reference")
    if not question_set.questions.exists():
        raise ValidationFailed({"question_set_id": "The question set has no questions."})
    request = ReferenceRequest.objects.create(
        company=company,
        candidate=candidate,
        question_set=question_set,
        requested_by=actor,
        notes=notes,
        min_references=min_references,
        min_manager_references=min_manager_references,
        deadline=deadline,
        token_nonce=_nonce(),
        base_url=base_url,
        sent_at=timezone.now(),
    )
    channels = _send_candidate_invitation(request, actor=actor)
    _schedule_reminders("reference_request", request)
    record(
        kind="reference_request.created",
        company=company,
        subject=request,
        actor=actor,
        candidate_id=candidate.pk,
        data={"question_set_id": question_set.pk, "min_references": min_references, "channels": channels},
    )
    return request


@transaction.atomic
def cancel_reference_request(*, company, actor, reference_request: ReferenceRequest) -> ReferenceRequest:
    """Close a request: its links stop working and nobody is reminded any more."""
    request = _lock(ReferenceRequest, reference_request.pk)
    if request.status == RequestStatus.COMPLETED:
        raise Conflict("This reference request is completed already.")
    if request.status == RequestStatus.OPEN:
        request.status = RequestStatus.CANCELLED
        request.cancelled_at = timezone.now()
        request.save(update_fields=["status", "cancelled_at", "updated_at"])
        record(
            kind="reference_request.cancelled",
            company=company,
            subject=request,
            actor=actor,
            candidate_id=request.candidate_id,
        )
    return request


def _refresh_fill(request: ReferenceRequest | None, *, actor=None) -> None:
    """Complete a request once enough referees (and managers among them) have answered."""
    if request is None:
        return
    request = _lock(ReferenceRequest, request.pk)
    if request.status != RequestStatus.OPEN:
        return
    completed = Reference.objects.filter(reference_request=request, status=ReferenceStatus.COMPLETED)
    total = completed.count()
    managers = completed.filter(relationship=Relationship.MANAGER).count()
    if total >= request.min_references and managers >= request.min_manager_references:
        request.status = RequestStatus.COMPLETED
        request.filled_at = timezone.now()
        request.save(update_fields=["status", "filled_at", "updated_at"])
        record(
            kind="reference_request.completed",
            company=request.company,
            subject=request,
            actor=actor,
            actor_type="referee" if actor is None else None,
            candidate_id=request.candidate_id,
            data={"completed_references": total, "manager_references": managers},
        )


# --- referees ----------------------------------------------------------------------------------------

REFERENCE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "country_code",
    "relationship",
    "company_name",
    "title",
    "internal_id",
    "language",
)


def normalise_phone(phone: str, country_code: str = "") -> str:
    """E.164 when the number parses (with a dial code like +44/44 or a region like GB), else its digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    code = (country_code or "").strip()
    region = code.upper() if len(code) == 2 and code.isalpha() else None
    if region is None and code.lstrip("+").isdigit() and not phone.startswith("+"):
        phone = f"+{code.lstrip('+')}{phone.lstrip('0')}"
    try:
        parsed = phonenumbers.parse(phone, region)
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return re.sub(r"\D", "", phone)


def _clean_reference_fields(fields: dict, *, partial: bool = False) -> dict:
    cleaned = {}
    for name in REFERENCE_FIELDS:
        if name in fields and fields[name] is not None:
            cleaned[name] = str(fields[name]).strip()
    if "email" in cleaned:
        cleaned["email"] = cleaned["email"].lower()
    if not partial:
        for required in ("first_name", "email"):
            if not cleaned.get(required):
                raise ValidationFailed({required: "This field is required."})
    if "relationship" in cleaned and cleaned["relationship"] not in Relationship.values:
        raise ValidationFailed({"relationship": f"Must be one of {', '.join(Relationship.values)}."})
    if "email" in cleaned:
        try:
            validate_email(cleaned["email"])
        except DjangoValidationError:
            raise ValidationFailed({"email": "Enter a valid email address."}) from None
    if cleaned.get("phone") and len(re.sub(r"\D", "", cleaned["phone"])) < 6:
        raise ValidationFailed({"phone": "Enter a valid phone number."})
    return cleaned


_LIBRARY_BY_RELATIONSHIP = {
    Relationship.MANAGER: "manager_reference",
    Relationship.PEER: "peer_reference",
    Relationship.DIRECT_REPORT: "direct_report_reference",
    Relationship.CLIENT: "client_reference",
    Relationship.OTHER: "peer_reference",
}


@transaction.atomic
def add_reference(
    *,
    company,
    actor,
    candidate,
    reference_request: ReferenceRequest | None = None,
    question_set: QuestionSet | None = None,
    by_candidate: bool = False,
    base_url: str,
    **fields,
) -> Reference:
    """Add a referee; on an open request (or with none) they get their questionnaire link by email and SMS."""
    cleaned = _clean_reference_fields(fields)
    request = None
    if reference_request is not None:
        request = _lock(ReferenceRequest, reference_request.pk)
        if request.candidate_id != candidate.pk:
            raise ValidationFailed({"reference_request_id": "This request is for another candidate."})
        if not _request_is_open(request, timezone.now()):
            raise Conflict(f"The reference request is {request.status} and takes no more referees.")
        siblings = Reference.objects.filter(reference_request=request)
        if siblings.count() >= MAX_REFEREES_PER_REQUEST:
            raise ValidationFailed(
                {"reference_request_id": f"At most {MAX_REFEREES_PER_REQUEST} referees per request."}
            )
        if siblings.filter(email=cleaned["email"]).exists():
            raise ValidationFailed({"email": "This person is a referee of this request already."})
        question_set = request.question_set
    if cleaned["email"] == (candidate.email or "").lower() and by_candidate:
        raise ValidationFailed({"email": "Enter your referee's address, not your own."})
    relationship = cleaned.get("relationship") or Relationship.OTHER
    if question_set is None:
        question_set = library_set(company=company, key=_LIBRARY_BY_RELATIONSHIP[relationship])
    reference = Reference(
        company=company,
        candidate=candidate,
        reference_request=request,
        question_set=question_set,
        added_by=actor,
        added_by_candidate=by_candidate,
        token_nonce=_nonce(),
        base_url=base_url,
        sent_at=timezone.now(),
        **cleaned,
    )
    reference.save()
    channels = _send_referee_invitation(reference, actor=actor)
    _schedule_reminders("reference", reference)
    record(
        kind="reference.created",
        company=company,
        subject=reference,
        actor=actor,
        actor_type="candidate" if by_candidate else None,
        candidate_id=candidate.pk,
        data={
            "reference_request_id": request.pk if request else None,
            "relationship": relationship,
            "channels": channels,
        },
    )
    _update_risk_flags(reference, actor=actor)
    return reference


@transaction.atomic
def add_references_from_candidate(
    *, reference_request: ReferenceRequest, referees: list[dict], ip: str | None, device: str | None
) -> list[Reference]:
    """The candidate page: add several referees at once and remember where the candidate was."""
    request = _lock(ReferenceRequest, reference_request.pk)
    if ip and ip not in request.candidate_ips:
        request.candidate_ips = [*request.candidate_ips, ip][-20:]
    if device and device not in request.candidate_devices:
        request.candidate_devices = [*request.candidate_devices, device][-20:]
    request.save(update_fields=["candidate_ips", "candidate_devices", "updated_at"])
    emails = [r.get("email", "").strip().lower() for r in referees]
    for i, email in enumerate(emails):
        if email and email in emails[:i]:
            raise ValidationFailed({f"referees.{i}.email": "The same address is entered twice."})
    added = []
    for i, referee in enumerate(referees):
        try:
            added.append(
                add_reference(
                    company=request.company,
                    actor=None,
                    candidate=request.candidate,
                    reference_request=request,
                    by_candidate=True,
                    base_url=request.base_url,
                    **referee,
                )
            )
        except ValidationFailed as exc:
            raise ValidationFailed({f"referees.{i}.{k}": v for k, v in exc.validation_errors.items()}) from None
    return added


@transaction.atomic
def update_reference(*, company, actor, reference: Reference, **fields) -> Reference:
    cleaned = _clean_reference_fields(fields, partial=True)
    changed = [k for k, v in cleaned.items() if getattr(reference, k) != v]
    if "first_name" in changed and not cleaned["first_name"]:
        raise ValidationFailed({"first_name": "Cannot be empty."})
    for k in changed:
        setattr(reference, k, cleaned[k])
    if changed:
        reference.save()
        record(
            kind="reference.updated",
            company=company,
            subject=reference,
            actor=actor,
            candidate_id=reference.candidate_id,
            data={"fields": changed},
        )
        _update_risk_flags(reference, actor=actor)
    return reference


@transaction.atomic
def delete_reference(*, company, actor, reference: Reference) -> None:
    record(
        kind="reference.deleted",
        company=company,
        subject=reference,
        actor=actor,
        candidate_id=reference.candidate_id,
        data={"name": reference.full_name, "status": reference.status},
    )
    reference.delete()


# --- the questionnaire -------------------------------------------------------------------------------


class LinkError(Exception):
    """A public link that cannot be used: unknown, expired, used or closed."""

    def __init__(self, reason: str, obj=None):
        super().__init__(reason)
        self.reason = reason  # "invalid" | "expired" | "used" | "complete" | "declined" | "closed"
        self.obj = obj


def _link_expired(obj: ReferenceRequest | Reference, now: datetime) -> bool:
    request = obj if isinstance(obj, ReferenceRequest) else obj.reference_request
    if request is not None and request.deadline is not None and request.deadline <= now:
        return True
    return obj.sent_at is not None and obj.sent_at + LINK_TTL <= now


def resolve_candidate_link(token: str) -> ReferenceRequest:
    """The open request behind a candidate link, else LinkError."""
    parsed = read_token("candidate", token)
    request = (
        ReferenceRequest.objects.select_related("candidate", "company").filter(pk=parsed[0]).first() if parsed else None
    )
    if request is None or not secrets.compare_digest(request.token_nonce, parsed[1]):
        raise LinkError("invalid")
    if request.status == RequestStatus.CANCELLED:
        raise LinkError("closed", request)
    if request.status == RequestStatus.COMPLETED:
        raise LinkError("complete", request)
    if _link_expired(request, timezone.now()):
        raise LinkError("expired", request)
    return request


def _resolve_reference(kind: str, token: str) -> Reference:
    parsed = read_token(kind, token)
    reference = (
        Reference.objects.select_related("candidate", "company", "reference_request", "question_set")
        .filter(pk=parsed[0])
        .first()
        if parsed
        else None
    )
    if reference is None or not secrets.compare_digest(reference.token_nonce, parsed[1]):
        raise LinkError("invalid")
    return reference


def resolve_questionnaire_link(token: str) -> Reference:
    """The referee behind a questionnaire link while it still takes answers, else LinkError."""
    reference = _resolve_reference("questionnaire", token)
    if reference.status == ReferenceStatus.COMPLETED:
        raise LinkError("used", reference)
    if reference.status == ReferenceStatus.DECLINED:
        raise LinkError("declined", reference)
    request = reference.reference_request
    if request is not None and request.status == RequestStatus.CANCELLED:
        raise LinkError("closed", reference)
    if _link_expired(reference, timezone.now()):
        raise LinkError("expired", reference)
    return reference


def resolve_verification_link(token: str) -> Reference:
    reference = _resolve_reference("verification", token)
    if reference.status != ReferenceStatus.COMPLETED:
        raise LinkError("invalid")
    if reference.verified_at is not None:
        raise LinkError("used", reference)
    return reference


@transaction.atomic
def open_questionnaire(*, reference: Reference) -> Reference:
    """The referee opened the link: the clock of the questionnaire starts."""
    if reference.status == ReferenceStatus.INVITED:
        updated = Reference.objects.filter(pk=reference.pk, status=ReferenceStatus.INVITED).update(
            status=ReferenceStatus.IN_PROGRESS, started_at=timezone.now(), updated_at=timezone.now()
        )
        if updated:
            reference.refresh_from_db()
            record(
                kind="reference.started",
                company=reference.company,
                subject=reference,
                actor_type="referee",
                candidate_id=reference.candidate_id,
            )
    return reference


def parse_user_agent(user_agent: str) -> dict:
    """Browser and OS with their versions, from a User-Agent header (ua-parser's maintained rules)."""
    from ua_parser import parse

    result = parse(user_agent or "")
    browser, os_ = result.user_agent, result.os

    def version(part) -> str:
        return ".".join(v for v in (part.major, part.minor, part.patch) if v) if part else ""

    return {
        "browser": browser.family if browser else "",
        "browser_version": version(browser),
        "os": os_.family if os_ else "",
        "os_version": version(os_),
    }


def _check_answer(question, raw: str, *, field: str) -> str:
    """Validate one answer value against its question; returns the stored value."""
    value = (raw or "").strip()
    if not value:
        if question.required:
            raise ValidationFailed({field: "Please answer this question."})
        return ""
    if question.type == QuestionType.SCALE:
        if not value.lstrip("-").isdigit() or not (question.scale_min <= int(value) <= question.scale_max):
            raise ValidationFailed({field: f"Choose a number from {question.scale_min} to {question.scale_max}."})
        return str(int(value))
    if question.type == QuestionType.YES_NO:
        if value.lower() not in ("yes", "no"):
            raise ValidationFailed({field: "Answer yes or no."})
        return value.lower()
    if question.type == QuestionType.SINGLE_CHOICE:
        choices = question.choices
        if value not in choices:
            raise ValidationFailed({field: "Choose one of the options."})
        return value
    if len(value) > 5000:
        raise ValidationFailed({field: "Keep the answer under 5000 characters."})
    return value


@transaction.atomic
def submit_answers(
    *,
    reference: Reference,
    answers: dict[int, str],
    comments: dict[int, str],
    ip: str | None,
    user_agent: str,
    device: str | None,
) -> Reference:
    """Save a referee's questionnaire, complete the reference and, when the minimums are met, the request."""
    ref = _lock(Reference, reference.pk)
    if ref.status in (ReferenceStatus.COMPLETED, ReferenceStatus.DECLINED):
        raise LinkError("used" if ref.status == ReferenceStatus.COMPLETED else "declined", ref)
    questions = list(ref.question_set.questions.all()) if ref.question_set else []
    errors, rows = {}, []
    for question in questions:
        field = f"q{question.pk}"
        try:
            value = _check_answer(question, answers.get(question.pk, ""), field=field)
        except ValidationFailed as exc:
            errors.update(exc.validation_errors)
            continue
        comment = (comments.get(question.pk) or "").strip()[:2000]
        rows.append(
            Answer(
                company=ref.company,
                reference=ref,
                question=question,
                question_text=question.text,
                type=question.type,
                category=question.category,
                language=question.language,
                scale_min=question.scale_min,
                scale_max=question.scale_max,
                order=question.order,
                value=value,
                comment=comment,
            )
        )
    if errors:
        raise ValidationFailed(errors)
    Answer.objects.bulk_create(rows)
    now = timezone.now()
    ref.status = ReferenceStatus.COMPLETED
    ref.started_at = ref.started_at or now
    ref.completed_at = now
    ref.metadata = {"ip": ip, "user_agent": (user_agent or "")[:500], **parse_user_agent(user_agent), "device": device}
    ref.verification_sent_at = now
    ref.save()
    record(
        kind="reference.completed",
        company=ref.company,
        subject=ref,
        actor_type="referee",
        candidate_id=ref.candidate_id,
        data={"answers": len(rows), "seconds": int((now - ref.started_at).total_seconds())},
    )
    _send_verification(ref)
    # A new submission can make earlier ones suspicious too (several referees from one IP).
    for other in Reference.objects.filter(company=ref.company, candidate=ref.candidate).select_related("candidate"):
        _update_risk_flags(other, actor=None)
    _refresh_fill(ref.reference_request)
    return ref


@transaction.atomic
def decline_reference(*, reference: Reference, reason: str = "") -> Reference:
    ref = _lock(Reference, reference.pk)
    if ref.status in (ReferenceStatus.COMPLETED, ReferenceStatus.DECLINED):
        raise LinkError("used" if ref.status == ReferenceStatus.COMPLETED else "declined", ref)
    ref.status = ReferenceStatus.DECLINED
    ref.declined_at = timezone.now()
    ref.decline_reason = (reason or "").strip()[:2000]
    ref.save(update_fields=["status", "declined_at", "decline_reason", "updated_at"])
    record(
        kind="reference.declined",
        company=ref.company,
        subject=ref,
        actor_type="referee",
        candidate_id=ref.candidate_id,
        data={"reason": ref.decline_reason},
    )
    return ref


@transaction.atomic
def verify_reference(*, reference: Reference, ip: str | None) -> Reference:
    ref = _lock(Reference, reference.pk)
    if ref.verified_at is None:
        ref.verified_at = timezone.now()
        ref.save(update_fields=["verified_at", "updated_at"])
        record(
            kind="reference.verified",
            company=ref.company,
            subject=ref,
            actor_type="referee",
            candidate_id=ref.candidate_id,
            data={"ip": ip},
        )
    return ref


# --- answers -----------------------------------------------------------------------------------------


@transaction.atomic
def correct_answer(*, company, actor, answer: Answer, value: str | None = None, comment: str | None = None) -> Answer:
    """A recruiter's correction: the referee's original stays, every change names who made it."""
    answer = Answer.objects.select_for_update(of=("self",)).select_related("reference", "question").get(pk=answer.pk)
    changes = []
    if value is not None:
        question = Question(
            type=answer.type,
            scale_min=answer.scale_min,
            scale_max=answer.scale_max,
            choices=answer.question.choices if answer.question else [],
            required=False,
        )
        if answer.type == QuestionType.SINGLE_CHOICE and not question.choices:
            question.choices = [value]
        new_value = _check_answer(question, str(value), field="value")
        if new_value != answer.value:
            changes.append(("value", answer.value, new_value))
    if comment is not None and comment.strip() != answer.comment:
        changes.append(("comment", answer.comment, comment.strip()))
    if not changes:
        return answer
    now = timezone.now()
    if answer.original_value is None:
        answer.original_value = answer.value
        answer.original_comment = answer.comment
    for field, old, new in changes:
        setattr(answer, field, new)
        answer.corrections = [
            *answer.corrections,
            {"user_id": actor.pk, "at": int(now.timestamp()), "field": field, "from": old, "to": new},
        ]
    answer.corrected_by = actor
    answer.corrected_at = now
    answer.save()
    record(
        kind="answer.corrected",
        company=company,
        subject=answer,
        actor=actor,
        candidate_id=answer.reference.candidate_id,
        data={
            "reference_id": answer.reference_id,
            "changes": [{"field": f, "from": o, "to": n} for f, o, n in changes],
        },
    )
    return answer


# --- risk flags --------------------------------------------------------------------------------------


def _candidate_trail(reference: Reference) -> tuple[set[str], set[str]]:
    """IPs and device ids the candidate used (their profile and the pages where they entered referees)."""
    ips, devices = set(), set()
    if reference.candidate.ip:
        ips.add(reference.candidate.ip)
    for request_ips, request_devices in ReferenceRequest.objects.filter(
        company=reference.company, candidate=reference.candidate
    ).values_list("candidate_ips", "candidate_devices"):
        ips.update(request_ips or [])
        devices.update(request_devices or [])
    return ips, devices


def risk_flags_for(reference: Reference) -> list[dict]:
    """Every fraud signal that applies to a referee now, each with the evidence behind it."""
    flags = []
    candidate = reference.candidate
    domain = reference.email.rpartition("@")[2].lower()
    if reference.relationship == Relationship.MANAGER and domain in FREE_MAIL_DOMAINS:
        at = f" at {reference.company_name}" if reference.company_name else ""
        flags.append(
            {
                "code": "free_email_manager",
                "evidence": f"Claims to be the candidate's manager{at} "
                f"but uses a free email address ({reference.email}).",
            }
        )
    same_phone = reference.phone and candidate.phone
    if same_phone and normalise_phone(reference.phone, reference.country_code) == normalise_phone(candidate.phone):
        flags.append(
            {
                "code": "candidate_phone_match",
                "evidence": f"The referee's phone {reference.phone} is the candidate's own phone number.",
            }
        )
    if candidate.email and reference.email == candidate.email.lower():
        flags.append(
            {"code": "candidate_email_match", "evidence": f"The referee's email {reference.email} is the candidate's."}
        )
    meta = reference.metadata or {}
    if reference.status == ReferenceStatus.COMPLETED and meta:
        ips, devices = _candidate_trail(reference)
        if meta.get("ip") and meta["ip"] in ips:
            flags.append(
                {
                    "code": "candidate_ip_match",
                    "evidence": f"Submitted from {meta['ip']}, an IP address the candidate used.",
                }
            )
        if meta.get("device") and meta["device"] in devices:
            flags.append(
                {
                    "code": "candidate_device_match",
                    "evidence": "Submitted from the same browser the candidate used to enter referees "
                    f"({meta.get('browser') or 'unknown browser'} on {meta.get('os') or 'unknown OS'}).",
                }
            )
        if meta.get("ip"):
            others = [
                r.full_name
                for r in Reference.objects.filter(
                    company=reference.company, candidate=candidate, status=ReferenceStatus.COMPLETED
                )
                .exclude(pk=reference.pk)
                .order_by("pk")
                if (r.metadata or {}).get("ip") == meta["ip"]
            ]
            if others:
                flags.append(
                    {
                        "code": "shared_ip",
                        "evidence": f"{len(others) + 1} referees submitted from {meta['ip']}: "
                        f"{', '.join([reference.full_name, *others])}.",
                    }
                )
        if reference.started_at and reference.completed_at:
            seconds = (reference.completed_at - reference.started_at).total_seconds()
            questions = reference.question_set.questions.count() if reference.question_set else 0
            minimum = max(FAST_SECONDS_FLOOR, FAST_SECONDS_PER_QUESTION * questions)
            if seconds < minimum:
                flags.append(
                    {
                        "code": "fast_completion",
                        "evidence": f"Answered {questions} questions in {int(seconds)} s "
                        f"(under {minimum} s is implausibly fast).",
                    }
                )
    return flags


def _update_risk_flags(reference: Reference, *, actor) -> None:
    flags = risk_flags_for(reference)
    if flags == reference.risk_flags:
        return
    new_codes = sorted({f["code"] for f in flags} - {f["code"] for f in reference.risk_flags})
    Reference.objects.filter(pk=reference.pk).update(risk_flags=flags)
    reference.risk_flags = flags
    if new_codes:
        record(
            kind="reference.flagged",
            company=reference.company,
            subject=reference,
            actor=actor,
            actor_type=None if actor else "system",
            candidate_id=reference.candidate_id,
            data={"codes": new_codes, "flags": [f for f in flags if f["code"] in new_codes]},
        )
