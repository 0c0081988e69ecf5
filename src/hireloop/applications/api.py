"""Applications (003): list, create, get, update, delete, stage moves, hire/reject, transfer, stage history,
attachments, batches; and rejection reasons (map §20)."""

from django.http import FileResponse
from ninja import Query, Router

from hireloop.accounts.authentication import AuthContext
from hireloop.applications import schemas, selectors, services
from hireloop.applications.models import Application
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.context import public_base_url
from hireloop.core.errors import ValidationFailed
from hireloop.core.files import decode_file
from hireloop.core.pagination import ListQuery, paged, paginate
from hireloop.jobs import selectors as job_selectors
from hireloop.jobs.models import Job, Stage

router = Router(tags=["applications"])


def _ctx(request, permission: str) -> AuthContext:
    ctx: AuthContext = request.auth
    ctx.require(permission)
    return ctx


def _include(value: str | None) -> set[str]:
    return job_selectors.parse_include(value)


def _out(request, ctx, application: Application, include: str | None, *, reload: bool = True) -> dict:
    """The application as GET /applications/{id} answers it.

    A service returns the row it locked and changed, with candidate, job and stage loaded: it is shaped as is
    (reload=False) unless the embedded job is asked for.
    """
    wanted = _include(include)
    if reload or "job" in wanted:
        application = selectors.get_application(company=ctx.company, application_id=application.pk, include=wanted)
    return selectors.application_detail(ctx.company, application, include=wanted, base_url=public_base_url(request))


def _application(ctx, id: int) -> Application:
    return selectors.get_application(company=ctx.company, application_id=id)


def _target(ctx, id: int) -> Application:
    """The application a transition works on: the service locks and reads it within the caller's company."""
    return Application(pk=id, company=ctx.company)


def _stage(ctx, stage_id: int, *, field: str = "stage_id") -> Stage:
    """A stage of the caller's company; another company's stage is as unknown as a missing one."""
    stage = Stage.objects.filter(company=ctx.company, pk=stage_id).first()
    if stage is None:
        raise ValidationFailed({field: f"Stage {stage_id} does not exist."})
    return stage


def _job(ctx, value, *, field: str = "job_id") -> Job:
    text = str(value).strip()
    lookup = {"pk": int(text)} if text.isdigit() else {"alias": text}
    job = Job.objects.filter(company=ctx.company, **lookup).select_related("workflow").first()
    if job is None:
        raise ValidationFailed({field: f"Job {value} does not exist."})
    return job


def _file(payload, field: str):
    return decode_file(payload, field=field) if payload is not None else None


# --- list / create -----------------------------------------------------------------------------


@router.get("/applications", response=paged("applications", schemas.ApplicationOut), exclude_unset=True)
def list_applications(request, query: Query[schemas.ApplicationsQuery]):
    """Applications of the company's jobs, filtered and sorted as in 003 (default newest first)."""
    ctx = _ctx(request, "view_applications")
    include = _include(query.include)
    queryset = selectors.filter_applications(selectors.applications(company=ctx.company, include=include), query)
    page = paginate(queryset, key="applications", page=query.page, size=query.size)
    page["applications"] = selectors.application_page(
        ctx.company, page["applications"], include=include, view=query.view, base_url=public_base_url(request)
    )
    return page


@router.post("/applications", response={201: schemas.ApplicationOut}, exclude_unset=True)
def create_application(request, payload: schemas.ApplicationIn, query: Query[schemas.IncludeQuery]):
    """Apply an existing candidate (id or alias) to a job; 409 with application_id when already applied."""
    ctx = _ctx(request, "manage_applications")
    candidate = Candidate.objects.filter(company=ctx.company)
    try:
        candidate = get_by_id_or_alias(candidate, payload.candidate_id, label="Candidate")
    except Exception:
        raise ValidationFailed({"candidate_id": f"Candidate {payload.candidate_id} does not exist."}) from None
    job = _job(ctx, payload.job_id)
    stage = _stage(ctx, payload.stage_id) if payload.stage_id is not None else None
    application = services.create_application(
        company=ctx.company,
        candidate=candidate,
        job=job,
        stage=stage,
        actor=ctx.user,
        answers=payload.answers,
        cv=_file(payload.cv, "cv"),
    )
    return 201, _out(request, ctx, application, query.include)


# --- batches (literal paths before {id}) -------------------------------------------------------


def _batch_out(request, ctx, results: list[dict]) -> dict:
    done = [r["data"] for r in results if "data" in r]
    if done:
        fresh = list(selectors.applications(company=ctx.company).filter(pk__in=[a.pk for a in done]))
        shaped = {
            a["id"]: a
            for a in selectors.application_page(ctx.company, fresh, view="summary", base_url=public_base_url(request))
        }
        for result in results:
            if "data" in result:
                result["data"] = shaped[result["data"].pk]
    return {"results": results}


@router.post("/applications/batch/move", response=schemas.BatchOut, exclude_unset=True)
def batch_move(request, payload: schemas.BatchMoveIn):
    """Move up to 100 applications to a stage; per-item results, one failure does not stop the others."""
    ctx = _ctx(request, "manage_applications")
    stage = _stage(ctx, payload.stage_id)
    results = services.batch_move(company=ctx.company, actor=ctx.user, ids=payload.ids, stage=stage)
    return _batch_out(request, ctx, results)


@router.post("/applications/batch/reject", response=schemas.BatchOut, exclude_unset=True)
def batch_reject(request, payload: schemas.BatchRejectIn):
    """Reject up to 100 applications; per-item results."""
    ctx = _ctx(request, "manage_applications")
    results = services.batch_reject(
        company=ctx.company,
        actor=ctx.user,
        ids=payload.ids,
        reason_id=payload.rejection_reason_id,
        suppress_notification=payload.suppress_notification,
    )
    return _batch_out(request, ctx, results)


# --- one application ---------------------------------------------------------------------------


@router.get("/applications/{int:id}", response=schemas.ApplicationOut, exclude_unset=True)
def get_application(request, id: int, query: Query[schemas.IncludeQuery]):
    ctx = _ctx(request, "view_applications")
    wanted = _include(query.include)
    application = selectors.get_application(company=ctx.company, application_id=id, include=wanted)
    return selectors.application_detail(ctx.company, application, include=wanted, base_url=public_base_url(request))


@router.put("/applications/{int:id}", response=schemas.ApplicationOut, exclude_unset=True)
def update_application(request, id: int, payload: schemas.ApplicationUpdateIn, query: Query[schemas.IncludeQuery]):
    """Move (stage_id), disqualify or requalify (is_disqualified), replace the CV, set custom fields."""
    ctx = _ctx(request, "manage_applications")
    application = _application(ctx, id)
    changes = payload.dict(exclude_unset=True)
    stage = _stage(ctx, payload.stage_id) if payload.stage_id is not None else None
    services.update_application(
        company=ctx.company,
        actor=ctx.user,
        application=application,
        changes=changes,
        stage=stage,
        cv=_file(payload.cv, "cv"),
    )
    return _out(request, ctx, application, query.include)


@router.delete("/applications/{int:id}", response=schemas.SuccessOut)
def delete_application(request, id: int):
    ctx = _ctx(request, "manage_applications")
    services.delete_application(company=ctx.company, actor=ctx.user, application=_application(ctx, id))
    return {"success": True}


@router.post("/applications/{int:id}/move", response=schemas.ApplicationOut, exclude_unset=True)
def move_application(request, id: int, payload: schemas.MoveIn, query: Query[schemas.IncludeQuery]):
    """Move to a stage of the job's workflow."""
    ctx = _ctx(request, "manage_applications")
    application = _target(ctx, id)
    stage = _stage(ctx, payload.stage_id)
    application = services.move_application(company=ctx.company, actor=ctx.user, application=application, stage=stage)
    return _out(request, ctx, application, query.include, reload=False)


@router.post("/applications/{int:id}/advance", response=schemas.ApplicationOut, exclude_unset=True)
def advance_application(request, id: int, query: Query[schemas.IncludeQuery]):
    """Move to the next stage (409 at the last one)."""
    ctx = _ctx(request, "manage_applications")
    application = _target(ctx, id)
    application = services.advance_application(company=ctx.company, actor=ctx.user, application=application)
    return _out(request, ctx, application, query.include, reload=False)


@router.post("/applications/{int:id}/hire", response=schemas.ApplicationOut, exclude_unset=True)
def hire_application(request, id: int, query: Query[schemas.IncludeQuery]):
    ctx = _ctx(request, "manage_applications")
    application = _target(ctx, id)
    application = services.hire_application(company=ctx.company, actor=ctx.user, application=application)
    return _out(request, ctx, application, query.include, reload=False)


@router.post("/applications/{int:id}/reject", response=schemas.ApplicationOut, exclude_unset=True)
def reject_application(request, id: int, query: Query[schemas.IncludeQuery], payload: schemas.RejectIn = None):
    """Reject (optional rejection_reason_id); the rejection email goes unless suppress_notification."""
    ctx = _ctx(request, "manage_applications")
    payload = payload or schemas.RejectIn()
    application = _target(ctx, id)
    application = services.reject_application(
        company=ctx.company,
        actor=ctx.user,
        application=application,
        reason_id=payload.rejection_reason_id,
        suppress_notification=payload.suppress_notification,
    )
    return _out(request, ctx, application, query.include, reload=False)


@router.post("/applications/{int:id}/unreject", response=schemas.ApplicationOut, exclude_unset=True)
def unreject_application(request, id: int, query: Query[schemas.IncludeQuery]):
    ctx = _ctx(request, "manage_applications")
    application = _target(ctx, id)
    application = services.unreject_application(company=ctx.company, actor=ctx.user, application=application)
    return _out(request, ctx, application, query.include, reload=False)


@router.post("/applications/{int:id}/transfer", response=schemas.ApplicationOut, exclude_unset=True)
def transfer_application(request, id: int, payload: schemas.TransferIn, query: Query[schemas.IncludeQuery]):
    """A new application on another job (answered here); the old one is closed as transferred."""
    ctx = _ctx(request, "manage_applications")
    application = _application(ctx, id)
    job = _job(ctx, payload.job_id)
    stage = _stage(ctx, payload.stage_id) if payload.stage_id is not None else None
    new = services.transfer_application(
        company=ctx.company, actor=ctx.user, application=application, job=job, stage=stage
    )
    return _out(request, ctx, new, query.include)


@router.get("/applications/{int:id}/stage-history", response=schemas.StageHistoryOut)
def stage_history(request, id: int):
    """Every stage transition, oldest first, the initial assignment included."""
    ctx = _ctx(request, "view_applications")
    return {"history": selectors.stage_history(company=ctx.company, application=_application(ctx, id))}


@router.get("/applications/{int:id}/attachments", response=schemas.AttachmentsOut)
def list_attachments(request, id: int):
    ctx = _ctx(request, "view_applications")
    base_url = public_base_url(request)
    items = selectors.attachments(company=ctx.company, application=_application(ctx, id))
    return {"attachments": [selectors.attachment_data(a, base_url=base_url) for a in items]}


@router.post("/applications/{int:id}/attachments", response={201: schemas.AttachmentOut})
def upload_attachment(request, id: int, payload: schemas.AttachmentIn):
    """Attach a base64 file (is_cv: it becomes the application's CV)."""
    ctx = _ctx(request, "manage_applications")
    attachment = services.add_attachment(
        company=ctx.company,
        actor=ctx.user,
        application=_application(ctx, id),
        file=decode_file(payload.file, field="file"),
        is_cv=payload.is_cv,
    )
    return 201, selectors.attachment_data(attachment, base_url=public_base_url(request))


@router.get("/applications/{int:id}/attachments/{uuid:attachment_uuid}", response={200: None})
def download_attachment(request, id: int, attachment_uuid: str):
    ctx = _ctx(request, "view_applications")
    attachment = selectors.get_attachment(
        company=ctx.company, application=_application(ctx, id), attachment_uuid=attachment_uuid
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.orig_file_name,
        content_type=attachment.mime_type,
    )


# --- rejection reasons -------------------------------------------------------------------------


def _list_reasons(request, query: Query[ListQuery]):
    ctx = _ctx(request, "view_applications")
    page = paginate(
        selectors.rejection_reasons(company=ctx.company), key="rejection_reasons", page=query.page, size=query.size
    )
    page["rejection_reasons"] = [
        {"id": r.pk, "name": r.name, "is_default": r.company_id is None} for r in page["rejection_reasons"]
    ]
    return page


def _create_reason(request, payload: schemas.RejectionReasonIn):
    ctx = _ctx(request, "manage_pipeline")
    reason = services.create_rejection_reason(company=ctx.company, actor=ctx.user, name=payload.name)
    return 201, {"id": reason.pk, "name": reason.name, "is_default": False}


for _prefix in ("", "/taxonomy"):
    _suffix = "_taxonomy" if _prefix else ""
    router.get(
        f"{_prefix}/rejection-reasons",
        response=paged("rejection_reasons", schemas.RejectionReasonOut),
        tags=["taxonomy"],
        operation_id=f"list_rejection_reasons{_suffix}",
    )(_list_reasons)
    router.post(
        f"{_prefix}/rejection-reasons",
        response={201: schemas.RejectionReasonOut},
        tags=["taxonomy"],
        operation_id=f"create_rejection_reason{_suffix}",
    )(_create_reason)


@router.get("/rejection-reasons/{int:id}", response=schemas.RejectionReasonOut, tags=["taxonomy"])
def get_rejection_reason(request, id: int):
    ctx = _ctx(request, "view_applications")
    reason = selectors.get_rejection_reason(company=ctx.company, reason_id=id)
    return {"id": reason.pk, "name": reason.name, "is_default": reason.company_id is None}


@router.delete("/rejection-reasons/{int:id}", response=schemas.SuccessOut, tags=["taxonomy"])
def delete_rejection_reason(request, id: int):
    """Delete one of the company's own reasons (built-in ones stay)."""
    ctx = _ctx(request, "manage_pipeline")
    reason = selectors.get_rejection_reason(company=ctx.company, reason_id=id)
    services.delete_rejection_reason(company=ctx.company, actor=ctx.user, reason=reason)
    return {"success": True}
