"""Candidates (seed 003), questions, forms, taxonomy and attachments (map §18–§21)."""

import math

from django.http import FileResponse, JsonResponse
from django.utils import timezone
from ninja import Query, Router

from hireloop.accounts.authentication import AuthContext
from hireloop.candidates import schemas, selectors, services
from hireloop.candidates.models import Candidate, Form, Origin, Question, QuestionType, Source, Tag
from hireloop.core.context import public_base_url
from hireloop.core.errors import NotFound
from hireloop.core.pagination import paged, paginate

router = Router(tags=["candidates"])


def _ctx(request, permission: str) -> AuthContext:
    ctx: AuthContext = request.auth
    ctx.require(permission)
    return ctx


def _candidate(ctx: AuthContext, id_or_alias) -> Candidate:
    return selectors.get_candidate(company=ctx.company, id_or_alias=id_or_alias)


def _detail(request, ctx: AuthContext, candidate: Candidate) -> dict:
    return selectors.candidate_detail(company=ctx.company, candidate_id=candidate.pk, base=public_base_url(request))


def _includes(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


# --- candidates: literal paths first ---------------------------------------------------------


@router.get("/candidates", response=paged("candidates", schemas.CandidateOut), exclude_unset=True)
def list_candidates(request, query: Query[schemas.CandidatesQuery]):
    """Candidates of the company, newest first, with every filter of 003; all supplied filters must match."""
    ctx = _ctx(request, "view_candidates")
    queryset = selectors.filter_candidates(
        company=ctx.company,
        job_id=query.job_id,
        stage_id=query.stage_id,
        email=query.email,
        q=query.q,
        full_name=query.full_name,
        linkedin=query.linkedin,
        created_after=query.created_after,
        updated_after=query.updated_after,
    )
    full = query.view == "full"
    filters = ("job_id", "stage_id", "email", "q", "full_name", "linkedin", "created_after", "updated_after")
    supplied = {name for name in filters if getattr(query, name) not in (None, "")}
    total = selectors.count_candidates(
        queryset, company=ctx.company, unfiltered=not supplied, only_q=query.q if supplied == {"q"} else None
    )
    start = (query.page - 1) * query.size
    items = (
        selectors.serialize(
            queryset[start : start + query.size],
            base=public_base_url(request),
            profile=full,
            applications=full and "applications" in _includes(query.include),
        )
        if total > start
        else []
    )
    pagination = {
        "page_size": query.size,
        "page_count": math.ceil(total / query.size) if total else 0,
        "page": query.page,
        "total_count": total,
    }
    # Already in wire form: rendered directly, the response schema documents it (and validates detail responses).
    return JsonResponse({"candidates": items, "pagination": pagination})


@router.post("/candidates", response={200: schemas.CandidateOut, 201: schemas.CandidateOut}, exclude_unset=True)
def create_candidate(request, payload: schemas.CandidateIn):
    """Create a candidate (201). Deduplicated by email: when the email (or profile "Email") already
    belongs to a candidate of the company, that candidate is returned with 200 instead — values it
    already has are kept, blank ones filled, profile answers, the CV and the application added."""
    ctx = _ctx(request, "manage_candidates")
    candidate, created = services.create_candidate(
        company=ctx.company,
        actor=ctx.user,
        data=payload.fields(),
        profile=payload.profile,
        cv=payload.cv,
        job_id=payload.job_id,
        stage_id=payload.stage_id,
    )
    return (201 if created else 200), _detail(request, ctx, candidate)


def _batch(request, payload: schemas.BatchTagsIn, *, remove: bool) -> dict:
    ctx = _ctx(request, "manage_candidates")
    tags = services.clean_tags(payload.tags)
    numeric = [int(str(i)) for i in payload.ids if str(i).isdigit()]
    aliases = [str(i) for i in payload.ids if not str(i).isdigit()]
    found = {}
    for candidate in Candidate.objects.filter(company=ctx.company, pk__in=numeric).only("pk", "alias", "company_id"):
        found[str(candidate.pk)] = candidate
    for candidate in Candidate.objects.filter(company=ctx.company, alias__in=aliases).only("pk", "alias", "company_id"):
        found[candidate.alias] = candidate
    targets = list({c.pk: c for key, c in found.items()}.values())
    if targets:
        change = services.remove_tags_many if remove else services.add_tags_many
        change(company=ctx.company, actor=ctx.user, candidates=targets, tags=tags)
    current = selectors.tags_by_candidate([c.pk for c in targets])
    results = []
    for item in payload.ids:
        candidate = found.get(str(item))
        if candidate is None:
            error = NotFound("Candidate not found")
            results.append(
                {"id": item, "error": {"name": error.name, "message": error.message, "code": 0, "status": 404}}
            )
        else:
            results.append(
                {"id": item, "data": {"id": candidate.pk, "alias": candidate.alias, "tags": current[candidate.pk]}}
            )
    return {"results": results}


@router.post("/candidates/batch/tags", response=schemas.BatchResultsOut, exclude_unset=True)
def batch_add_tags(request, payload: schemas.BatchTagsIn):
    """Add tags to up to 100 candidates (ids or aliases); per-item results, unknown ids fail alone."""
    return _batch(request, payload, remove=False)


@router.delete("/candidates/batch/tags", response=schemas.BatchResultsOut, exclude_unset=True)
def batch_remove_tags(request, payload: schemas.BatchTagsIn):
    """Remove tags from up to 100 candidates; per-item results."""
    return _batch(request, payload, remove=True)


# --- one candidate ---------------------------------------------------------------------------


@router.get("/candidates/{id}", response=schemas.CandidateOut, exclude_unset=True)
def get_candidate(request, id: str):
    """One candidate by id or alias, with profile answers and application summaries."""
    ctx = _ctx(request, "view_candidates")
    return _detail(request, ctx, _candidate(ctx, id))


@router.put("/candidates/{id}", response=schemas.CandidateOut, exclude_unset=True)
def update_candidate(request, id: str, payload: schemas.CandidateIn):
    """Change the supplied fields; email/phone become the primary ones; job_id adds an application."""
    ctx = _ctx(request, "manage_candidates")
    candidate = services.update_candidate(
        company=ctx.company,
        actor=ctx.user,
        candidate=_candidate(ctx, id),
        data=payload.fields(),
        profile=payload.profile,
        cv=payload.cv,
        job_id=payload.job_id,
        stage_id=payload.stage_id,
    )
    return _detail(request, ctx, candidate)


@router.delete("/candidates/{id}", response=schemas.SuccessOut)
def delete_candidate(request, id: str):
    """Delete a candidate with their applications, answers, tags and files."""
    ctx = _ctx(request, "delete_candidates")
    services.delete_candidate(company=ctx.company, actor=ctx.user, candidate=_candidate(ctx, id))
    return {"success": True}


def _tags_page(candidate: Candidate) -> dict:
    tags = selectors.tags_of(candidate)
    return {
        "tags": tags,
        "pagination": {
            "page_size": max(len(tags), 20),
            "page_count": 1 if tags else 0,
            "page": 1,
            "total_count": len(tags),
        },
    }


@router.get("/candidates/{id}/tags", response=schemas.TagsOut)
def list_tags(request, id: str):
    """The candidate's tags, in the order they were added."""
    ctx = _ctx(request, "view_candidates")
    return _tags_page(_candidate(ctx, id))


@router.post("/candidates/{id}/tags", response=schemas.TagsOut)
def add_tags(request, id: str, payload: schemas.TagsIn):
    """Attach tags (tags already there are kept once)."""
    ctx = _ctx(request, "manage_candidates")
    candidate = _candidate(ctx, id)
    services.add_tags(company=ctx.company, actor=ctx.user, candidate=candidate, tags=payload.tags)
    return _tags_page(candidate)


@router.delete("/candidates/{id}/tags/{path:tag}", response=schemas.SuccessOut)
def remove_tag(request, id: str, tag: str):
    """Detach one tag (case-sensitive, URL-encoded in the path)."""
    ctx = _ctx(request, "manage_candidates")
    services.remove_tag(company=ctx.company, actor=ctx.user, candidate=_candidate(ctx, id), tag=tag)
    return {"success": True}


@router.get("/candidates/{id}/files", response=schemas.FilesOut)
def list_files(request, id: str, view: str = "full"):
    """The candidate's files, newest first."""
    ctx = _ctx(request, "view_candidates")
    candidate = _candidate(ctx, id)
    base, now = public_base_url(request), timezone.now()
    files = selectors.candidate_files(company=ctx.company, candidate=candidate)
    return {"files": [selectors.file_out(f, base=base, now=now) for f in files]}


@router.post("/candidates/{id}/files", response={201: schemas.AttachmentOut})
def upload_file(request, id: str, payload: schemas.FileIn):
    """Store a base64 file (size limit MAX_UPLOAD_BYTES, type sniffed from the bytes)."""
    ctx = _ctx(request, "manage_candidates")
    candidate = _candidate(ctx, id)
    stored = services.add_file(
        company=ctx.company, actor=ctx.user, candidate=candidate, payload=payload.file, type=payload.type
    )
    return 201, selectors.file_out(stored, base=public_base_url(request))


@router.get("/candidates/{id}/resume", response=schemas.ResumeOut, exclude_unset=True)
def get_resume(request, id: str, query: Query[schemas.ResumeQuery]):
    """The latest resume; include=text_content adds the parsed plain text (not with view=summary)."""
    ctx = _ctx(request, "view_candidates")
    candidate = _candidate(ctx, id)
    stored = selectors.resume_of(company=ctx.company, candidate=candidate)
    data = selectors.file_out(stored, base=public_base_url(request))
    if "text_content" in _includes(query.include) and query.view == "full":
        data["text"] = selectors.resume_text(stored, candidate)
    return data


def _sealed_evaluations(ctx: AuthContext, events) -> set[int]:
    """Evaluation events of others whose details (verdict, score, answers) the caller may not read yet:
    the independence rule of evaluations holds in the timeline too."""
    from hireloop.evaluations.selectors import may_see_others

    allowed: dict[int, bool] = {}
    sealed = set()
    for event in events:
        if not event.kind.startswith("evaluation.") or event.actor_id == ctx.user.pk:
            continue
        application_id = (event.data or {}).get("application_id")
        if application_id not in allowed:
            allowed[application_id] = may_see_others(
                company=ctx.company, user=ctx.user, role=ctx.role, application_id=application_id
            )
        if not allowed[application_id]:
            sealed.add(event.pk)
    return sealed


@router.get("/candidates/{id}/activities", response=schemas.ActivitiesOut, exclude_unset=True)
def list_activities(request, id: str, query: Query[schemas.ActivitiesQuery]):
    """The candidate's timeline, newest first; event_type filters by 003's types."""
    ctx = _ctx(request, "view_candidates")
    candidate = _candidate(ctx, id)
    events = selectors.candidate_timeline(
        company=ctx.company, candidate=candidate, event_types=query.event_type, since=query.since, until=query.until
    )
    page = paginate(events, key="activities", page=query.page, size=query.size)
    now = timezone.now()
    activities = []
    sealed = _sealed_evaluations(ctx, page["activities"])
    for event in page["activities"]:
        item = selectors.activity_out(event, now=now, view="summary" if event.pk in sealed else query.view)
        item["created_at"] = int(item["created_at"].timestamp())
        activities.append(item)
    return {"activities": activities, "page_size": query.size, "pagination": page["pagination"]}


@router.post("/candidates/{id}/disqualify", response=schemas.DisqualifyOut)
def disqualify(request, id: str, payload: schemas.DisqualifyIn | None = None):
    """Disqualify the candidate from every active application (optional rejection reason ids)."""
    ctx = _ctx(request, "manage_applications")
    reasons = [int(r) for r in (payload.reasons if payload and payload.reasons else [])]
    ids = services.disqualify_candidate(
        company=ctx.company, actor=ctx.user, candidate=_candidate(ctx, id), reason_ids=reasons
    )
    return {"success": True, "rejected_applications": ids}


@router.get("/candidates/{id}/duplicates", response=schemas.DuplicatesOut, exclude_unset=True)
def list_duplicates(request, id: str):
    """Candidates that look like the same person: same email, phone (E.164), LinkedIn, or name + city."""
    ctx = _ctx(request, "view_candidates")
    candidate = _candidate(ctx, id)
    found = selectors.duplicates_of(company=ctx.company, candidate=candidate)
    reasons = {c.pk: r for c, r in found}
    queryset = Candidate.objects.filter(pk__in=list(reasons)).order_by("pk")
    shapes = selectors.serialize(queryset, base=public_base_url(request), profile=False, applications=False)
    return {"duplicates": [{"candidate": shape, "reasons": reasons[shape["id"]]} for shape in shapes]}


@router.post("/candidates/{id}/merge", response=schemas.MergeOut, exclude_unset=True)
def merge(request, id: str, payload: schemas.MergeIn):
    """Merge `duplicate_id` into this candidate (kept); dry_run reports what would move without writing."""
    ctx = _ctx(request, "delete_candidates")
    kept = _candidate(ctx, id)
    duplicate = selectors.get_candidate(company=ctx.company, id_or_alias=payload.duplicate_id)
    result = services.merge_candidates(
        company=ctx.company, actor=ctx.user, kept=kept, duplicate=duplicate, dry_run=payload.dry_run
    )
    result["candidate"] = _detail(request, ctx, kept)
    return result


@router.post("/candidates/{id}/anonymize", response=schemas.CandidateOut, exclude_unset=True)
def anonymize(request, id: str):
    """Irreversibly erase the person's data (GDPR); anonymous pipeline statistics remain."""
    ctx = _ctx(request, "delete_candidates")
    candidate = _candidate(ctx, id)
    services.anonymize_candidate(company=ctx.company, actor=ctx.user, candidate=candidate)
    return _detail(request, ctx, candidate)


@router.get("/candidates/{id}/export")
def export(request, id: str):
    """Every stored datum about the person as JSON (GDPR access request)."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import JsonResponse

    ctx = _ctx(request, "delete_candidates")
    candidate = _candidate(ctx, id)
    data = selectors.export_candidate(company=ctx.company, candidate=candidate, base=public_base_url(request))
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


# --- questions -------------------------------------------------------------------------------


def _question_out(question: Question) -> dict:
    return {
        "id": question.pk,
        "text": question.text,
        "type": question.type,
        "options": question.options or [],
        "created_at": question.created_at,
        "updated_at": question.updated_at,
    }


def _question(ctx: AuthContext, id: int) -> Question:
    question = Question.objects.filter(company=ctx.company, pk=id).first()
    if question is None:
        raise NotFound("Question not found")
    return question


@router.get("/questions", response=paged("questions", schemas.QuestionOut))
def list_questions(request, query: Query[schemas.QuestionsQuery]):
    """The company's question catalogue (25 a page by default)."""
    ctx = _ctx(request, "view_candidates")
    page = paginate(
        Question.objects.filter(company=ctx.company).order_by("pk"), key="questions", page=query.page, size=query.size
    )
    page["questions"] = [_question_out(q) for q in page["questions"]]
    return page


@router.get("/questions/types", response=schemas.QuestionTypesOut)
def question_types(request):
    """Question types; select and multiselect take options."""
    _ctx(request, "view_candidates")
    return {
        "types": [{"type": t.value, "name": t.label, "has_options": t in services.CHOICE_TYPES} for t in QuestionType]
    }


@router.post("/questions", response={201: schemas.QuestionOut})
def create_question(request, payload: schemas.QuestionIn):
    ctx = _ctx(request, "manage_candidates")
    question = services.create_question(
        company=ctx.company, actor=ctx.user, text=payload.text, type=payload.type, options=payload.options
    )
    return 201, _question_out(question)


@router.get("/questions/{int:id}", response=schemas.QuestionOut)
def get_question(request, id: int):
    ctx = _ctx(request, "view_candidates")
    return _question_out(_question(ctx, id))


@router.put("/questions/{int:id}", response=schemas.QuestionOut)
def update_question(request, id: int, payload: schemas.QuestionIn):
    ctx = _ctx(request, "manage_candidates")
    question = services.update_question(
        company=ctx.company,
        actor=ctx.user,
        question=_question(ctx, id),
        text=payload.text,
        type=payload.type,
        options=payload.options,
    )
    return _question_out(question)


@router.delete("/questions/{int:id}", response=schemas.SuccessOut)
def delete_question(request, id: int):
    ctx = _ctx(request, "manage_candidates")
    services.delete_question(company=ctx.company, actor=ctx.user, question=_question(ctx, id))
    return {"success": True}


# --- forms -----------------------------------------------------------------------------------


def _form_out(form: Form) -> dict:
    return {
        "id": form.pk,
        "name": form.name,
        "is_default": form.is_default,
        "questions": [
            {
                "id": item.question_id,
                "text": item.question.text,
                "type": item.question.type,
                "options": item.question.options or [],
                "status": item.status,
                "position": item.position,
            }
            for item in form.items.all()
        ],
        "created_at": form.created_at,
        "updated_at": form.updated_at,
    }


def _forms(ctx: AuthContext):
    from django.db.models import Prefetch

    from hireloop.candidates.models import FormQuestion

    services.default_form(company=ctx.company)
    return Form.objects.filter(company=ctx.company).prefetch_related(
        Prefetch("items", queryset=FormQuestion.objects.select_related("question").order_by("position", "pk"))
    )


def _form(ctx: AuthContext, id: int) -> Form:
    form = _forms(ctx).filter(pk=id).first()
    if form is None:
        raise NotFound("Form not found")
    return form


@router.get("/forms", response=paged("forms", schemas.FormOut))
def list_forms(request, query: Query[schemas.FormsQuery]):
    """Application forms with their questions; every company has a default form."""
    ctx = _ctx(request, "view_candidates")
    page = paginate(_forms(ctx).order_by("pk"), key="forms", page=query.page, size=query.size)
    page["forms"] = [_form_out(f) for f in page["forms"]]
    return page


@router.post("/forms", response={201: schemas.FormOut})
def create_form(request, payload: schemas.FormIn):
    ctx = _ctx(request, "manage_jobs")
    form = services.create_form(company=ctx.company, actor=ctx.user, name=payload.name, question_ids=payload.questions)
    return 201, _form_out(_form(ctx, form.pk))


@router.get("/forms/{int:id}", response=schemas.FormOut)
def get_form(request, id: int):
    ctx = _ctx(request, "view_candidates")
    return _form_out(_form(ctx, id))


@router.put("/forms/{int:id}", response=schemas.FormOut)
def update_form(request, id: int, payload: schemas.FormIn):
    ctx = _ctx(request, "manage_jobs")
    services.update_form(
        company=ctx.company, actor=ctx.user, form=_form(ctx, id), name=payload.name, question_ids=payload.questions
    )
    return _form_out(_form(ctx, id))


@router.delete("/forms/{int:id}", response=schemas.SuccessOut)
def delete_form(request, id: int):
    ctx = _ctx(request, "manage_jobs")
    services.delete_form(company=ctx.company, actor=ctx.user, form=_form(ctx, id))
    return {"success": True}


@router.put("/forms/{int:form_id}/questions/{int:question_id}", response=schemas.FormOut)
def set_form_question(request, form_id: int, question_id: int, payload: schemas.FormQuestionStatusIn):
    """Set a question's status in a form: required, optional or hidden."""
    ctx = _ctx(request, "manage_jobs")
    services.set_form_question_status(
        company=ctx.company,
        actor=ctx.user,
        form=_form(ctx, form_id),
        question=_question(ctx, question_id),
        status=payload.status,
    )
    return _form_out(_form(ctx, form_id))


# --- taxonomy --------------------------------------------------------------------------------


def _names(queryset) -> list[dict]:
    return [{"id": pk, "name": name} for pk, name in queryset.order_by("name", "pk").values_list("pk", "name")]


def _sources(request, query: schemas.CompanyQuery) -> dict:
    ctx = _ctx(request, "view_candidates")
    return {"sources": _names(Source.objects.filter(company=ctx.company))}


def _origins(request) -> dict:
    ctx = _ctx(request, "view_candidates")
    services.ensure_origins(company=ctx.company)
    return {"origins": _names(Origin.objects.filter(company=ctx.company))}


def _tags(request, query: schemas.CompanyQuery) -> dict:
    ctx = _ctx(request, "view_candidates")
    return {"tags": _names(Tag.objects.filter(company=ctx.company))}


@router.get("/sources", response=schemas.SourcesOut)
def list_sources(request, query: Query[schemas.CompanyQuery]):
    """Candidate sources of the company."""
    return _sources(request, query)


@router.get("/taxonomy/sources", response=schemas.SourcesOut)
def list_sources_taxonomy(request, query: Query[schemas.CompanyQuery]):
    return _sources(request, query)


@router.post("/sources", response={201: schemas.IdName})
def create_source(request, payload: schemas.SourceIn):
    """Add a candidate source."""
    ctx = _ctx(request, "manage_candidates")
    source = services.create_source(company=ctx.company, actor=ctx.user, name=payload.name)
    return 201, {"id": source.pk, "name": source.name}


@router.get("/origins", response=schemas.OriginsOut)
def list_origins(request):
    """Where candidate records came from."""
    return _origins(request)


@router.get("/taxonomy/origins", response=schemas.OriginsOut)
def list_origins_taxonomy(request):
    return _origins(request)


@router.get("/tags", response=schemas.TagsListOut)
def list_company_tags(request, query: Query[schemas.CompanyQuery]):
    """Every tag used in the company."""
    return _tags(request, query)


@router.get("/taxonomy/tags", response=schemas.TagsListOut)
def list_company_tags_taxonomy(request, query: Query[schemas.CompanyQuery]):
    return _tags(request, query)


# --- attachments -----------------------------------------------------------------------------


@router.post("/attachments", response={201: schemas.AttachmentOut})
def upload_attachment(request, payload: schemas.AttachmentIn):
    """Store a file attached to an object of the company (category + object_id)."""
    ctx = _ctx(request, "manage_candidates")
    stored = services.add_attachment(
        company=ctx.company,
        actor=ctx.user,
        category=payload.category,
        object_id=payload.object_id,
        payload=payload.file,
    )
    return 201, selectors.file_out(stored, base=public_base_url(request))


@router.get("/attachments/{category}/{uuid:file_uuid}/{file_name}")
def download_attachment(request, category: str, file_uuid, file_name: str):
    """The file's bytes with its sniffed Content-Type, Content-Length and a UTF-8 Content-Disposition."""
    ctx = _ctx(request, "view_candidates")
    stored = services.file_for_download(company=ctx.company, category=category, file_uuid=file_uuid)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise NotFound("File content is gone") from None
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=stored.mime_type)
    response["Content-Length"] = str(stored.size)
    return response
