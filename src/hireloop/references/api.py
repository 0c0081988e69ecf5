"""Reference checks: question sets, reference requests, references, answers, reminders, scores,
PDF documents and analytics."""

from django.http import HttpResponse
from ninja import Query, Router

from hireloop.accounts.authentication import AuthContext
from hireloop.accounts.selectors import get_company_user
from hireloop.core.context import public_base_url
from hireloop.core.pagination import paged, paginate
from hireloop.core.times import parse_time
from hireloop.references import documents, schemas, selectors, services
from hireloop.references.models import Answer, Question, QuestionSet, Reference, ReferenceRequest

router = Router(tags=["references"])


# --- output shapes -----------------------------------------------------------------------------------


def _scale(low, high) -> dict | None:
    return None if high is None else {"min": low, "max": high}


def _question_out(q: Question) -> dict:
    return {
        "id": q.pk,
        "question_set_id": q.question_set_id,
        "text": q.text,
        "type": q.type,
        "scale": _scale(q.scale_min, q.scale_max),
        "choices": q.choices,
        "category": q.category,
        "language": q.language,
        "required": q.required,
        "order": q.order,
        "created_at": q.created_at,
        "updated_at": q.updated_at,
    }


def _question_set_out(qs: QuestionSet, *, full: bool = True) -> dict:
    questions = list(qs.questions.all())
    return {
        "id": qs.pk,
        "name": qs.name,
        "title": qs.name,
        "description": qs.description,
        "language": qs.language,
        "is_library": qs.is_library,
        "library_key": qs.library_key,
        "copied_from_id": qs.copied_from_id,
        "questions_count": len(questions),
        "questions": [_question_out(q) for q in questions] if full else None,
        "created_at": qs.created_at,
        "updated_at": qs.updated_at,
    }


def _reminder_out(obj) -> dict:
    return vars(services.reminder_info(obj))


def _request_out(r: ReferenceRequest) -> dict:
    return {
        "id": r.pk,
        "candidate_id": r.candidate_id,
        "question_set_id": r.question_set_id,
        "requested_by_id": r.requested_by_id,
        "notes": r.notes,
        "min_references": r.min_references,
        "min_manager_references": r.min_manager_references,
        "deadline": r.deadline,
        "status": r.status,
        "filled": r.filled,
        "filled_at": r.filled_at,
        "cancelled_at": r.cancelled_at,
        "references_count": r.references_count,
        "completed_references_count": r.completed_references_count,
        "completed_manager_references_count": r.completed_manager_references_count,
        "reminder": _reminder_out(r),
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def _answer_out(a: Answer) -> dict:
    return {
        "id": a.pk,
        "reference_id": a.reference_id,
        "question_id": a.question_id,
        "question": a.question_text,
        "type": a.type,
        "category": a.category,
        "language": a.language,
        "scale": _scale(a.scale_min, a.scale_max),
        "order": a.order,
        "value": a.value,
        "comment": a.comment,
        "original_value": a.original_value,
        "original_comment": a.original_comment,
        "corrected": a.corrected_at is not None,
        "corrected_by_id": a.corrected_by_id,
        "corrected_at": a.corrected_at,
        "corrections": a.corrections,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def _metadata_out(meta: dict) -> dict | None:
    if not meta:
        return None
    return {k: meta.get(k) or ("" if k != "ip" else None) for k in schemas.MetadataOut.model_fields}


def _reference_out(r: Reference, *, full: bool = True) -> dict:
    return {
        "id": r.pk,
        "candidate_id": r.candidate_id,
        "reference_request_id": r.reference_request_id,
        "question_set_id": r.question_set_id,
        "first_name": r.first_name,
        "last_name": r.last_name,
        "email": r.email,
        "phone": r.phone,
        "country_code": r.country_code,
        "relationship": r.relationship,
        "company": r.company_name,
        "company_name": r.company_name,
        "title": r.title,
        "internal_id": r.internal_id,
        "language": r.language,
        "status": r.status,
        "filled": r.completed_at is not None,
        "invited_at": r.sent_at,
        "started_at": r.started_at,
        "completed_at": r.completed_at,
        "declined_at": r.declined_at,
        "decline_reason": r.decline_reason,
        "verified_at": r.verified_at,
        "added_by_id": r.added_by_id,
        "added_by_candidate": r.added_by_candidate,
        "score": selectors.reference_score(r),
        "metadata": _metadata_out(r.metadata),
        "risk_flags": r.risk_flags,
        "reminder": _reminder_out(r),
        "answers": [_answer_out(a) for a in r.answers.all()] if full else None,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def _candidate_filter(ctx: AuthContext, candidate_id: str | None):
    return selectors.get_candidate(company=ctx.company, candidate_id=candidate_id) if candidate_id else None


def _reference_fields(payload) -> dict:
    fields = payload.dict(exclude_unset=True)
    fields.pop("candidate_id", None)
    fields.pop("reference_request_id", None)
    fields.pop("question_set_id", None)
    company = fields.pop("company", None)
    company_name = fields.pop("company_name", None)
    if company is not None or company_name is not None:
        fields["company_name"] = company if company is not None else company_name
    return fields


# --- question sets -----------------------------------------------------------------------------------


@router.get("/question-sets", response=paged("question_sets", schemas.QuestionSetOut))
def list_question_sets(request, query: Query[schemas.QuestionSetsQuery]):
    """The company's question sets, ready-made library sets first (created on first use)."""
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    services.ensure_library(company=ctx.company)
    sets = selectors.question_sets(company=ctx.company, is_library=query.is_library, language=query.language)
    page = paginate(sets, key="question_sets", page=query.page, size=query.size)
    page["question_sets"] = [_question_set_out(s, full=query.view == "full") for s in page["question_sets"]]
    return page


@router.post("/question-sets", response={201: schemas.QuestionSetOut})
def create_question_set(request, payload: schemas.QuestionSetIn):
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    qs = services.create_question_set(
        company=ctx.company,
        actor=ctx.user,
        name=payload.name or "",
        description=payload.description,
        language=payload.language,
        questions=[q.dict() for q in payload.questions],
    )
    return 201, _question_set_out(selectors.get_question_set(company=ctx.company, question_set_id=qs.pk))


@router.get("/question-sets/{int:question_set_id}", response=schemas.QuestionSetOut)
def get_question_set(request, question_set_id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    return _question_set_out(selectors.get_question_set(company=ctx.company, question_set_id=question_set_id))


@router.put("/question-sets/{int:question_set_id}", response=schemas.QuestionSetOut)
def update_question_set(request, question_set_id: int, payload: schemas.QuestionSetUpdateIn):
    """Change a set; `questions`, when sent, replaces its questions (ready-made sets are read-only: 409)."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    qs = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    changes = payload.dict(exclude_unset=True)
    questions = changes.pop("questions", None)
    services.update_question_set(
        company=ctx.company,
        actor=ctx.user,
        question_set=qs,
        questions=[q.dict() for q in payload.questions] if questions is not None else None,
        **changes,
    )
    return _question_set_out(selectors.get_question_set(company=ctx.company, question_set_id=qs.pk))


@router.delete("/question-sets/{int:question_set_id}", response={204: None})
def delete_question_set(request, question_set_id: int):
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    qs = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    services.delete_question_set(company=ctx.company, actor=ctx.user, question_set=qs)
    return 204, None


@router.post("/question-sets/{int:question_set_id}/copy", response={201: schemas.QuestionSetOut})
def copy_question_set(request, question_set_id: int, payload: schemas.QuestionSetCopyIn | None = None):
    """Copy a set (e.g. a ready-made one) into an editable set."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    source = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    copy = services.copy_question_set(
        company=ctx.company, actor=ctx.user, question_set=source, name=payload.name if payload else None
    )
    return 201, _question_set_out(selectors.get_question_set(company=ctx.company, question_set_id=copy.pk))


@router.get("/question-sets/{int:question_set_id}/questions", response=paged("questions", schemas.QuestionOut))
def list_questions(request, question_set_id: int, query: Query[schemas.ListQuery]):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    qs = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    page = paginate(qs.questions.all(), key="questions", page=query.page, size=query.size)
    page["questions"] = [_question_out(q) for q in page["questions"]]
    return page


@router.post("/question-sets/{int:question_set_id}/questions", response={201: schemas.QuestionOut})
def add_question(request, question_set_id: int, payload: schemas.QuestionIn):
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    qs = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    question = services.add_question(company=ctx.company, actor=ctx.user, question_set=qs, data=_question_data(payload))
    return 201, _question_out(question)


def _question_data(payload) -> dict:
    data = payload.dict(exclude_unset=True)
    if data.get("language") is None:
        data.pop("language", None)
    return data


@router.get("/question-sets/{int:question_set_id}/questions/{int:question_id}", response=schemas.QuestionOut)
def get_question(request, question_set_id: int, question_id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    qs = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    return _question_out(selectors.get_question(company=ctx.company, question_set=qs, question_id=question_id))


@router.put("/question-sets/{int:question_set_id}/questions/{int:question_id}", response=schemas.QuestionOut)
def update_question(request, question_set_id: int, question_id: int, payload: schemas.QuestionPatchIn):
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    qs = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    question = selectors.get_question(company=ctx.company, question_set=qs, question_id=question_id)
    return _question_out(
        services.update_question(company=ctx.company, actor=ctx.user, question=question, data=_question_data(payload))
    )


@router.delete("/question-sets/{int:question_set_id}/questions/{int:question_id}", response={204: None})
def delete_question(request, question_set_id: int, question_id: int):
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    qs = selectors.get_question_set(company=ctx.company, question_set_id=question_set_id)
    question = selectors.get_question(company=ctx.company, question_set=qs, question_id=question_id)
    services.delete_question(company=ctx.company, actor=ctx.user, question=question)
    return 204, None


# --- reference requests ------------------------------------------------------------------------------


@router.get("/reference-requests", response=paged("reference_requests", schemas.ReferenceRequestOut))
def list_reference_requests(request, query: Query[schemas.ReferenceRequestsQuery]):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    candidate = _candidate_filter(ctx, query.candidate_id)
    rows = selectors.reference_requests(company=ctx.company, candidate=candidate, status=query.status)
    page = paginate(rows, key="reference_requests", page=query.page, size=query.size)
    page["reference_requests"] = [_request_out(r) for r in page["reference_requests"]]
    return page


@router.post("/reference-requests", response={201: schemas.ReferenceRequestOut})
def create_reference_request(request, payload: schemas.ReferenceRequestIn):
    """Ask a candidate for referees: they get an email and a text with a link to enter them."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    candidate = selectors.get_candidate(company=ctx.company, candidate_id=payload.candidate_id)
    question_set = None
    if payload.question_set_id is not None:
        question_set = selectors.get_question_set(company=ctx.company, question_set_id=payload.question_set_id)
    created = services.create_reference_request(
        company=ctx.company,
        actor=ctx.user,
        candidate=candidate,
        question_set=question_set,
        min_references=payload.min_references,
        min_manager_references=payload.min_manager_references,
        notes=payload.notes,
        deadline=parse_time(payload.deadline, field="deadline"),
        base_url=public_base_url(request),
    )
    return 201, _request_out(selectors.get_reference_request(company=ctx.company, reference_request_id=created.pk))


@router.get("/reference-requests/{int:reference_request_id}", response=schemas.ReferenceRequestOut)
def get_reference_request(request, reference_request_id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    return _request_out(selectors.get_reference_request(company=ctx.company, reference_request_id=reference_request_id))


@router.post("/reference-requests/{int:reference_request_id}/cancel", response=schemas.ReferenceRequestOut)
def cancel_reference_request(request, reference_request_id: int):
    """Close a request: links stop working, no more reminders."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    row = selectors.get_reference_request(company=ctx.company, reference_request_id=reference_request_id)
    services.cancel_reference_request(company=ctx.company, actor=ctx.user, reference_request=row)
    return _request_out(selectors.get_reference_request(company=ctx.company, reference_request_id=row.pk))


@router.post("/reference-requests/{int:reference_request_id}/remind", response=schemas.RemindOut)
def remind_reference_request(request, reference_request_id: int):
    """Remind the candidate by email and SMS (one per 12 h: a second answers 429 with Retry-After)."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    row = selectors.get_reference_request(company=ctx.company, reference_request_id=reference_request_id)
    row = services.remind_request(company=ctx.company, actor=ctx.user, reference_request=row)
    return {"detail": "Reminder sent to the candidate.", "reminder": _reminder_out(row)}


# --- references --------------------------------------------------------------------------------------


@router.get("/references", response=paged("references", schemas.ReferenceOut))
def list_references(request, query: Query[schemas.ReferencesQuery]):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    candidate = _candidate_filter(ctx, query.candidate_id)
    full = query.view == "full"
    rows = selectors.references(
        company=ctx.company,
        candidate=candidate,
        reference_request_id=query.reference_request_id,
        status=query.status,
    )
    page = paginate(rows, key="references", page=query.page, size=query.size)
    page["references"] = [_reference_out(r, full=full) for r in page["references"]]
    return page


@router.post("/references", response={201: schemas.ReferenceOut})
def create_reference(request, payload: schemas.ReferenceIn):
    """Add a referee; on an open request (or without one) they get their questionnaire by email and SMS."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    candidate = selectors.get_candidate(company=ctx.company, candidate_id=payload.candidate_id)
    reference_request = question_set = None
    if payload.reference_request_id is not None:
        reference_request = selectors.get_reference_request(
            company=ctx.company, reference_request_id=payload.reference_request_id
        )
    elif payload.question_set_id is not None:
        question_set = selectors.get_question_set(company=ctx.company, question_set_id=payload.question_set_id)
    reference = services.add_reference(
        company=ctx.company,
        actor=ctx.user,
        candidate=candidate,
        reference_request=reference_request,
        question_set=question_set,
        base_url=public_base_url(request),
        **_reference_fields(payload),
    )
    return 201, _reference_out(selectors.get_reference(company=ctx.company, reference_id=reference.pk))


@router.get("/references/{int:reference_id}", response=schemas.ReferenceOut)
def get_reference(request, reference_id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    return _reference_out(selectors.get_reference(company=ctx.company, reference_id=reference_id))


@router.patch("/references/{int:reference_id}", response=schemas.ReferenceOut)
def update_reference(request, reference_id: int, payload: schemas.ReferenceUpdateIn):
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    reference = selectors.get_reference(company=ctx.company, reference_id=reference_id)
    services.update_reference(company=ctx.company, actor=ctx.user, reference=reference, **_reference_fields(payload))
    return _reference_out(selectors.get_reference(company=ctx.company, reference_id=reference.pk))


@router.delete("/references/{int:reference_id}", response={204: None})
def delete_reference(request, reference_id: int):
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    reference = selectors.get_reference(company=ctx.company, reference_id=reference_id)
    services.delete_reference(company=ctx.company, actor=ctx.user, reference=reference)
    return 204, None


@router.post("/references/{int:reference_id}/remind", response=schemas.RemindOut)
def remind_reference(request, reference_id: int):
    """Remind the referee by email and SMS (one per 12 h: a second answers 429 with Retry-After)."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    reference = selectors.get_reference(company=ctx.company, reference_id=reference_id)
    reference = services.remind_reference(company=ctx.company, actor=ctx.user, reference=reference)
    return {"detail": "Reminder sent to the referee.", "reminder": _reminder_out(reference)}


@router.post("/references/{int:reference_id}/remind-verification", response=schemas.RemindOut)
def remind_verification(request, reference_id: int):
    """Ask the referee again to confirm the reference they gave (one per 12 h)."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    reference = selectors.get_reference(company=ctx.company, reference_id=reference_id)
    services.remind_verification(company=ctx.company, actor=ctx.user, reference=reference)
    return {"detail": "Verification reminder sent to the referee."}


# --- answers, scores, documents, analytics -----------------------------------------------------------


@router.get("/answers/{int:answer_id}", response=schemas.AnswerOut)
def get_answer(request, answer_id: int):
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    return _answer_out(selectors.get_answer(company=ctx.company, answer_id=answer_id))


@router.patch("/answers/{int:answer_id}", response=schemas.AnswerOut)
def correct_answer(request, answer_id: int, payload: schemas.AnswerPatchIn):
    """A recruiter's correction; the referee's original value and comment are kept."""
    ctx: AuthContext = request.auth
    ctx.require("manage_references")
    answer = selectors.get_answer(company=ctx.company, answer_id=answer_id)
    value = None if payload.value is None else str(payload.value)
    corrected = services.correct_answer(
        company=ctx.company, actor=ctx.user, answer=answer, value=value, comment=payload.comment
    )
    return _answer_out(corrected)


@router.get("/candidates/{candidate_id}/reference-score", response=schemas.ScoreOut)
def candidate_reference_score(request, candidate_id: str):
    """Scale answers of completed references per category, normalised to 0-100, with counts."""
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    candidate = selectors.get_candidate(company=ctx.company, candidate_id=candidate_id)
    score = selectors.candidate_score(company=ctx.company, candidate=candidate)
    return {"candidate_id": candidate.pk, **vars(score), "categories": [vars(c) for c in score.categories]}


@router.get("/documents", response={200: None}, tags=["documents"])
def get_document(request, query: Query[schemas.DocumentsQuery]):
    """PDF reference report of a candidate (type=references or candidates, id = candidate id or alias)."""
    ctx: AuthContext = request.auth
    ctx.require("view_references")
    candidate = selectors.get_candidate(company=ctx.company, candidate_id=query.id)
    pdf = documents.reference_report(company=ctx.company, candidate=candidate)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="references-{candidate.alias}.pdf"'
    return response


@router.get("/analytics/references", response=schemas.ReferenceAnalyticsOut, tags=["analytics"])
def reference_analytics(request):
    """001's hiring-firm analytics of the company's reference checks."""
    ctx: AuthContext = request.auth
    ctx.require("view_analytics")
    return selectors.reference_analytics(company=ctx.company)


@router.get("/users/{int:user_id}/analytics", response=schemas.UserAnalyticsOut, tags=["analytics"])
def user_analytics(request, user_id: int):
    """001's recruiter analytics: the reference checks one team member asked for."""
    ctx: AuthContext = request.auth
    ctx.require("view_analytics")
    user = get_company_user(company=ctx.company, user_id=user_id)
    return selectors.user_analytics(company=ctx.company, user=user)
