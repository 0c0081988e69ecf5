"""Jobs, job boards, hiring teams, workflows and stages, job taxonomies (map §3–§5, §20, §23)."""

import json

from ninja import Query, Router

from hireloop.accounts.authentication import AuthContext
from hireloop.core.context import public_base_url
from hireloop.core.errors import NotFound, ValidationFailed
from hireloop.core.pagination import ListQuery, paged, paginate
from hireloop.jobs import defaults, schemas, selectors, services
from hireloop.jobs.models import BoardPublication, Department, Job

router = Router(tags=["jobs"])


def _ctx(request, permission: str) -> AuthContext:
    ctx: AuthContext = request.auth
    ctx.require(permission)
    return ctx


def _job_out(request, job: Job, include: set[str] | None = None, view: str = "full") -> dict:
    return selectors.job_data(job, include=include or set(), view=view, base_url=public_base_url(request))


def _reload(ctx, job: Job, include: set[str]) -> Job:
    return selectors.get_job(company=ctx.company, job_id=job.pk, include=include)


# --- jobs ------------------------------------------------------------------------------------


@router.get("/jobs", response=paged("jobs", schemas.JobOut), exclude_unset=True)
def list_jobs(request, query: Query[schemas.JobsQuery]):
    """The company's jobs, newest first, filtered as in map §3."""
    ctx = _ctx(request, "view_jobs")
    include = selectors.parse_include(query.include)
    queryset = selectors.filter_jobs(selectors.jobs(company=ctx.company, include=include, view=query.view), query)
    page = paginate(queryset, key="jobs", page=query.page, size=query.size)
    base_url = public_base_url(request)
    page["jobs"] = [selectors.job_data(j, include=include, view=query.view, base_url=base_url) for j in page["jobs"]]
    return page


@router.post("/jobs", response={201: schemas.JobOut}, exclude_unset=True)
def create_job(request, payload: schemas.JobCreateIn, query: Query[schemas.IncludeQuery]):
    """Create a job; without workflow_id it gets its own copy of the default pipeline."""
    ctx = _ctx(request, "manage_jobs")
    data = payload.dict(exclude_unset=True)
    data.pop("company_id", None)
    job = services.create_job(company=ctx.company, actor=ctx.user, data=data)
    include = selectors.parse_include(query.include)
    return 201, _job_out(request, _reload(ctx, job, include), include)


def _boards_of(jobs: list[Job]) -> list[dict]:
    publications: dict[int, dict[str, BoardPublication]] = {}
    for publication in BoardPublication.objects.filter(job__in=jobs):
        publications.setdefault(publication.job_id, {})[publication.board] = publication
    result = []
    for job in jobs:
        own = publications.get(job.pk, {})
        boards = []
        for board in defaults.BOARDS:
            if board["is_own"]:
                active = job.status == "Public"
                boards.append(
                    {
                        "board": board["id"],
                        "name": board["name"],
                        "status": "active" if active else "inactive",
                        "activated_at": job.published_at if active else None,
                        "deactivated_at": None,
                    }
                )
                continue
            publication = own.get(board["id"])
            boards.append(
                {
                    "board": board["id"],
                    "name": board["name"],
                    "status": publication.status if publication else "not_published",
                    "activated_at": publication.activated_at if publication else None,
                    "deactivated_at": publication.deactivated_at if publication else None,
                }
            )
        result.append({"job_id": job.pk, "job_boards": boards})
    return result


def _jobs_by_ids(ctx, ids: list[int]) -> list[Job]:
    found = {j.pk: j for j in Job.objects.filter(company=ctx.company, pk__in=ids).select_related("company")}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Job not found: {', '.join(map(str, missing))}")
    return [found[i] for i in dict.fromkeys(ids)]


@router.get("/jobs/batch-job-boards", response=schemas.BatchBoardsOut, tags=["job boards"])
def batch_job_boards(request, query: Query[schemas.BatchBoardsQuery]):
    """Board publication state of several jobs (?jobs=1&jobs=2)."""
    ctx = _ctx(request, "view_jobs")
    return {"jobs": _boards_of(_jobs_by_ids(ctx, query.jobs))}


@router.post("/jobs/batch-job-boards", response=schemas.BatchBoardsOut, tags=["job boards"])
def batch_publish_to_boards(request, payload: schemas.BatchBoardsIn):
    """Publish several jobs to boards (all or nothing: every job must be published)."""
    ctx = _ctx(request, "manage_jobs")
    jobs = _jobs_by_ids(ctx, payload.jobs)
    for job in jobs:
        services.publish_to_boards(company=ctx.company, actor=ctx.user, job=job, boards=payload.boards)
    return {"jobs": _boards_of(jobs)}


@router.delete("/jobs/batch-job-boards", response=schemas.BatchBoardsOut, tags=["job boards"])
def batch_remove_from_boards(request, payload: schemas.BatchBoardsIn):
    ctx = _ctx(request, "manage_jobs")
    jobs = _jobs_by_ids(ctx, payload.jobs)
    for job in jobs:
        services.remove_from_boards(company=ctx.company, actor=ctx.user, job=job, boards=payload.boards)
    return {"jobs": _boards_of(jobs)}


@router.get("/jobs/{id}", response=schemas.JobOut, exclude_unset=True)
def get_job(request, id: str, query: Query[schemas.IncludeQuery]):
    """One job by id or alias."""
    ctx = _ctx(request, "view_jobs")
    include = selectors.parse_include(query.include)
    return _job_out(request, selectors.get_job(company=ctx.company, job_id=id, include=include), include)


@router.put("/jobs/{id}", response=schemas.JobOut, exclude_unset=True)
def update_job(request, id: str, payload: schemas.JobUpdateIn, query: Query[schemas.IncludeQuery]):
    """Change the supplied fields of a job."""
    ctx = _ctx(request, "manage_jobs")
    job = selectors.get_job(company=ctx.company, job_id=id)
    job = services.update_job(company=ctx.company, actor=ctx.user, job=job, data=payload.dict(exclude_unset=True))
    include = selectors.parse_include(query.include)
    return _job_out(request, _reload(ctx, job, include), include)


@router.delete("/jobs/{id}", response=schemas.SuccessOut)
def delete_job(request, id: str):
    """Delete a job and its applications."""
    ctx = _ctx(request, "manage_jobs")
    services.delete_job(company=ctx.company, actor=ctx.user, job=selectors.get_job(company=ctx.company, job_id=id))
    return {"success": True}


def _set_status(request, id: str, payload: schemas.StatusIn, query: schemas.IncludeQuery):
    ctx = _ctx(request, "manage_jobs")
    job = selectors.get_job(company=ctx.company, job_id=id)
    job = services.set_job_status(company=ctx.company, actor=ctx.user, job=job, status=payload.status)
    include = selectors.parse_include(query.include)
    return _job_out(request, _reload(ctx, job, include), include)


@router.patch("/jobs/{id}/status", response=schemas.JobOut, exclude_unset=True)
def set_job_status(request, id: str, payload: schemas.StatusIn, query: Query[schemas.IncludeQuery]):
    """Publish, hold, close, archive or restore a job (see GET /statuses)."""
    return _set_status(request, id, payload, query)


@router.post("/jobs/{id}/status", response=schemas.JobOut, exclude_unset=True)
def set_job_status_post(request, id: str, payload: schemas.StatusIn, query: Query[schemas.IncludeQuery]):
    """Same as PATCH /jobs/{id}/status."""
    return _set_status(request, id, payload, query)


# --- job boards ------------------------------------------------------------------------------


@router.get("/jobs/{id}/job-boards", response=schemas.JobBoardsOut, tags=["job boards"])
def list_job_boards(request, id: str):
    """Where a job is published: the careers page (while Public) and each external board."""
    ctx = _ctx(request, "view_jobs")
    return _boards_of([selectors.get_job(company=ctx.company, job_id=id)])[0]


@router.post("/jobs/{id}/job-boards", response=schemas.JobBoardsOut, tags=["job boards"])
def publish_to_job_boards(request, id: str, payload: schemas.BoardsIn):
    """Publish a job to boards (default: every external board)."""
    ctx = _ctx(request, "manage_jobs")
    job = selectors.get_job(company=ctx.company, job_id=id)
    services.publish_to_boards(company=ctx.company, actor=ctx.user, job=job, boards=payload.boards)
    return _boards_of([job])[0]


@router.delete("/jobs/{id}/job-boards", response=schemas.JobBoardsOut, tags=["job boards"])
def remove_from_job_boards(request, id: str, payload: schemas.BoardsIn):
    ctx = _ctx(request, "manage_jobs")
    job = selectors.get_job(company=ctx.company, job_id=id)
    services.remove_from_boards(company=ctx.company, actor=ctx.user, job=job, boards=payload.boards)
    return _boards_of([job])[0]


@router.get("/boards", response=schemas.BoardsOut, tags=["job boards"])
def list_boards(request):
    """The boards a job can be published to."""
    _ctx(request, "view_jobs")
    return {"boards": defaults.BOARDS}


# --- hiring team -----------------------------------------------------------------------------


def _team(ctx, job: Job) -> dict:
    job = selectors.get_job(company=ctx.company, job_id=job.pk, include={"hiring_team"})
    return {"hiring_team": [selectors.hiring_team_member(m) for m in job.hiring_team.all()]}


@router.get("/jobs/{id}/hiring-team", response=schemas.HiringTeamOut, tags=["hiring team"])
def list_hiring_team(request, id: str):
    ctx = _ctx(request, "view_jobs")
    return _team(ctx, selectors.get_job(company=ctx.company, job_id=id))


@router.post("/jobs/{id}/hiring-team", response={201: schemas.HiringTeamOut}, tags=["hiring team"])
def add_hiring_team_member(request, id: str, payload: schemas.HiringTeamIn):
    """Add a company user to the job's hiring team."""
    ctx = _ctx(request, "manage_jobs")
    job = selectors.get_job(company=ctx.company, job_id=id)
    services.add_hiring_team_member(
        company=ctx.company, actor=ctx.user, job=job, user_id=payload.user_id, role=payload.role
    )
    return 201, _team(ctx, job)


@router.delete("/jobs/{id}/hiring-team/{int:user_id}", response=schemas.HiringTeamOut, tags=["hiring team"])
def remove_hiring_team_member(request, id: str, user_id: int):
    ctx = _ctx(request, "manage_jobs")
    job = selectors.get_job(company=ctx.company, job_id=id)
    services.remove_hiring_team_member(company=ctx.company, actor=ctx.user, job=job, user_id=user_id)
    return _team(ctx, job)


# --- workflows and stages --------------------------------------------------------------------


@router.get("/workflows", response=paged("workflows", schemas.WorkflowOut), tags=["workflows"])
def list_workflows(request, query: Query[ListQuery]):
    """The company's pipelines with their stages in order."""
    ctx = _ctx(request, "view_jobs")
    page = paginate(selectors.workflows(company=ctx.company), key="workflows", page=query.page, size=query.size)
    page["workflows"] = [selectors.workflow_data(w) for w in page["workflows"]]
    return page


@router.post("/workflows", response={201: schemas.WorkflowOut}, tags=["workflows"])
def create_workflow(request, payload: schemas.WorkflowIn):
    ctx = _ctx(request, "manage_pipeline")
    workflow = services.create_workflow(
        company=ctx.company, actor=ctx.user, name=payload.name, stages=payload.stages, is_default=payload.is_default
    )
    return 201, selectors.workflow_data(selectors.get_workflow(company=ctx.company, workflow_id=workflow.pk))


@router.get("/workflows/stages", response=paged("stages", schemas.StageOut), tags=["workflows"])
def list_stages(request, query: Query[schemas.StagesQuery]):
    """Stages of one workflow, of a job's workflow, or of every workflow."""
    ctx = _ctx(request, "view_jobs")
    job = selectors.get_job(company=ctx.company, job_id=query.job_id) if query.job_id else None
    queryset = selectors.stages(company=ctx.company, workflow_id=query.workflow_id, job=job)
    page = paginate(queryset, key="stages", page=query.page, size=query.size)
    page["stages"] = [selectors.stage_data(s) for s in page["stages"]]
    return page


@router.get("/workflows/{int:id}", response=schemas.WorkflowOut, tags=["workflows"])
def get_workflow(request, id: int):
    ctx = _ctx(request, "view_jobs")
    return selectors.workflow_data(selectors.get_workflow(company=ctx.company, workflow_id=id))


@router.put("/workflows/{int:id}", response=schemas.WorkflowOut, tags=["workflows"])
def update_workflow(request, id: int, payload: schemas.WorkflowUpdateIn):
    ctx = _ctx(request, "manage_pipeline")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    services.update_workflow(
        company=ctx.company, actor=ctx.user, workflow=workflow, name=payload.name, is_default=payload.is_default
    )
    return selectors.workflow_data(selectors.get_workflow(company=ctx.company, workflow_id=id))


@router.delete("/workflows/{int:id}", response=schemas.SuccessOut, tags=["workflows"])
def delete_workflow(request, id: int):
    """Delete a workflow no job uses."""
    ctx = _ctx(request, "manage_pipeline")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    services.delete_workflow(company=ctx.company, actor=ctx.user, workflow=workflow)
    return {"success": True}


@router.get("/workflows/{int:id}/stages", response=paged("stages", schemas.StageOut), tags=["workflows"])
def workflow_stages(request, id: int, query: Query[ListQuery]):
    ctx = _ctx(request, "view_jobs")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    page = paginate(
        selectors.stages(company=ctx.company, workflow_id=workflow.pk), key="stages", page=query.page, size=query.size
    )
    page["stages"] = [selectors.stage_data(s) for s in page["stages"]]
    return page


@router.post("/workflows/{int:id}/stages", response={201: schemas.StageOut}, tags=["workflows"])
def add_stage(request, id: int, payload: schemas.StageIn):
    """Insert a stage (at `position`, default last)."""
    ctx = _ctx(request, "manage_pipeline")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    stage = services.add_stage(
        company=ctx.company, actor=ctx.user, workflow=workflow, name=payload.name, position=payload.position
    )
    stage.refresh_from_db()
    return 201, selectors.stage_data(stage)


@router.put("/workflows/{int:id}/stages", response=paged("stages", schemas.StageOut), tags=["workflows"])
def reorder_stages(request, id: int, payload: schemas.StageOrderIn):
    """Reorder every stage of a workflow at once."""
    ctx = _ctx(request, "manage_pipeline")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    services.reorder_stages(company=ctx.company, actor=ctx.user, workflow=workflow, stage_ids=payload.stage_ids)
    page = paginate(selectors.stages(company=ctx.company, workflow_id=id), key="stages", page=1, size=100)
    page["stages"] = [selectors.stage_data(s) for s in page["stages"]]
    return page


@router.get("/workflows/{int:id}/stages/{int:stage_id}", response=schemas.StageOut, tags=["workflows"])
def get_stage(request, id: int, stage_id: int):
    ctx = _ctx(request, "view_jobs")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    return selectors.stage_data(selectors.get_stage(company=ctx.company, stage_id=stage_id, workflow=workflow))


@router.put("/workflows/{int:id}/stages/{int:stage_id}", response=schemas.StageOut, tags=["workflows"])
def update_stage(request, id: int, stage_id: int, payload: schemas.StageUpdateIn):
    """Rename a stage or move it to another position."""
    ctx = _ctx(request, "manage_pipeline")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    stage = selectors.get_stage(company=ctx.company, stage_id=stage_id, workflow=workflow)
    services.update_stage(
        company=ctx.company, actor=ctx.user, stage=stage, name=payload.name, position=payload.position
    )
    return selectors.stage_data(selectors.get_stage(company=ctx.company, stage_id=stage_id))


@router.delete("/workflows/{int:id}/stages/{int:stage_id}", response=schemas.SuccessOut, tags=["workflows"])
def delete_stage(request, id: int, stage_id: int, query: Query[schemas.StageDeleteIn]):
    """Delete a stage; its applications move to `target_stage_id` (query or JSON body), required if any."""
    ctx = _ctx(request, "manage_pipeline")
    workflow = selectors.get_workflow(company=ctx.company, workflow_id=id)
    stage = selectors.get_stage(company=ctx.company, stage_id=stage_id, workflow=workflow)
    target_id = query.target_stage_id
    if target_id is None and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = {}
        target_id = body.get("target_stage_id") if isinstance(body, dict) else None
    if target_id is not None and (not isinstance(target_id, int) or isinstance(target_id, bool)):
        raise ValidationFailed({"target_stage_id": "Must be a stage id."})
    target = None
    if target_id is not None:
        target = selectors.stages(company=ctx.company, workflow_id=workflow.pk).filter(pk=target_id).first()
        if target is None:
            raise ValidationFailed({"target_stage_id": "Must be another stage of the same workflow."})
    services.delete_stage(company=ctx.company, actor=ctx.user, stage=stage, target_stage=target)
    return {"success": True}


# --- taxonomy --------------------------------------------------------------------------------


def _term_list(key: str, model):
    def endpoint(request, query: Query[ListQuery]):
        ctx = _ctx(request, "view_jobs")
        page = paginate(selectors.terms(model, company=ctx.company), key=key, page=query.page, size=query.size)
        page[key] = [selectors.term_data(t) for t in page[key]]
        return page

    endpoint.__name__ = f"list_{key}"
    endpoint.__doc__ = f"{key.replace('_', ' ').capitalize()}: built-in values and the company's own."
    return endpoint


for _key, _model in selectors.TAXONOMIES.items():
    _path = _key.replace("_", "-")
    for _prefix in ("", "/taxonomy"):
        router.get(
            f"{_prefix}/{_path}",
            response=paged(_key, schemas.TermOut),
            tags=["taxonomy"],
            operation_id=f"list_{_key}{'_taxonomy' if _prefix else ''}",
        )(_term_list(_key, _model))


def _create_department(request, payload: schemas.TermIn):
    ctx = _ctx(request, "manage_jobs")
    term = services.create_term(Department, company=ctx.company, actor=ctx.user, name=payload.name)
    return 201, selectors.term_data(term)


router.post("/departments", response={201: schemas.TermOut}, tags=["taxonomy"], operation_id="create_department")(
    _create_department
)
router.post(
    "/taxonomy/departments", response={201: schemas.TermOut}, tags=["taxonomy"], operation_id="create_department_t"
)(_create_department)


@router.get("/departments/{int:id}", response=schemas.TermOut, tags=["taxonomy"])
def get_department(request, id: int):
    ctx = _ctx(request, "view_jobs")
    return selectors.term_data(selectors.get_term(Department, company=ctx.company, term_id=id, label="Department"))


@router.put("/departments/{int:id}", response=schemas.TermOut, tags=["taxonomy"])
def update_department(request, id: int, payload: schemas.TermIn):
    ctx = _ctx(request, "manage_jobs")
    term = selectors.get_term(Department, company=ctx.company, term_id=id, label="Department")
    return selectors.term_data(services.update_term(company=ctx.company, actor=ctx.user, term=term, name=payload.name))


@router.delete("/departments/{int:id}", response=schemas.SuccessOut, tags=["taxonomy"])
def delete_department(request, id: int):
    ctx = _ctx(request, "manage_jobs")
    term = selectors.get_term(Department, company=ctx.company, term_id=id, label="Department")
    services.delete_term(company=ctx.company, actor=ctx.user, term=term)
    return {"success": True}


def _statuses(request, query: Query[ListQuery]):
    _ctx(request, "view_jobs")
    return paginate(selectors.statuses(), key="statuses", page=query.page, size=query.size)


for _prefix in ("", "/taxonomy"):
    router.get(
        f"{_prefix}/statuses",
        response=paged("statuses", schemas.StatusOut),
        tags=["taxonomy"],
        operation_id=f"list_statuses{'_taxonomy' if _prefix else ''}",
    )(_statuses)
