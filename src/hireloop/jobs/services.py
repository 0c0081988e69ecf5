"""State changes of jobs, workflows and stages, hiring teams, board publications and job taxonomies."""

import nh3
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from hireloop.accounts.models import Membership
from hireloop.activity.services import record
from hireloop.core.aliases import assign_alias
from hireloop.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hireloop.core.tasks import enqueue_on_commit
from hireloop.jobs import defaults
from hireloop.jobs.models import (
    AiScoringCriterion,
    BoardPublication,
    Category,
    Department,
    EducationLevel,
    EmploymentType,
    ExperienceLevel,
    HiringTeamMember,
    Job,
    JobFocus,
    Stage,
    Workflow,
)
from hireloop.jobs.selectors import terms

# Tags and attributes a job description may keep; everything else (scripts, styles, event handlers) goes.
DESCRIPTION_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
DESCRIPTION_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}

TERM_FIELDS = {
    "department_id": ("department", Department, "Department"),
    "category_id": ("category", Category, "Category"),
    "education_level_id": ("education_level", EducationLevel, "Education level"),
    "employment_type_id": ("employment_type", EmploymentType, "Employment type"),
    "experience_level_id": ("experience_level", ExperienceLevel, "Experience level"),
}
PLAIN_FIELDS = (
    "title",
    "internal_title",
    "internal_job_id",
    "requirements",
    "job_focus",
    "resume_field_status",
    "location_city",
    "location_country",
    "location_state",
    "location_street_address",
    "location_full_address",
    "location_postal_code",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_range",
    "hours_per_week_min",
    "hours_per_week_max",
    "is_remote",
    "form_id",
)
# Changes to these make the job's applications be scored again.
SCORING_INPUTS = {"description", "requirements", "ai_scoring_criteria"}


def sanitize_description(html: str) -> str:
    """Keep formatting and links of a job description; never scripts, styles or event handlers."""
    return nh3.clean(
        html or "", tags=DESCRIPTION_TAGS, attributes=DESCRIPTION_ATTRIBUTES, link_rel="noopener noreferrer nofollow"
    ).strip()


def canonical_status(name: str, *, field: str = "status") -> str:
    """The status as spelled in GET /statuses (matched case-insensitively), else a validation error."""
    by_lower = {n.lower(): n for _, n in defaults.STATUSES}
    status = by_lower.get((name or "").strip().lower())
    if status is None:
        raise ValidationFailed({field: f"Unknown status; one of: {', '.join(n for _, n in defaults.STATUSES)}."})
    return status


# --- workflows and stages --------------------------------------------------------------------


def _stage_names(names: list[str] | None) -> list[str]:
    cleaned = [n.strip() for n in (names if names is not None else defaults.DEFAULT_STAGES)]
    if not cleaned or any(not n or len(n) > 120 for n in cleaned):
        raise ValidationFailed({"stages": "Give at least one stage; each name 1–120 characters."})
    if len({n.lower() for n in cleaned}) != len(cleaned):
        raise ValidationFailed({"stages": "Stage names must be unique within a workflow."})
    return cleaned


@transaction.atomic
def create_workflow(
    *, company, actor, name: str, stages: list[str] | None = None, is_default: bool = False
) -> Workflow:
    """A new pipeline with `stages` in order (default: Applied, Screening, Interview, Offer, Hired)."""
    names = _stage_names(stages)
    if is_default:
        Workflow.objects.filter(company=company, is_default=True).update(is_default=False)
    workflow = Workflow.objects.create(company=company, name=name.strip(), is_default=is_default)
    Stage.objects.bulk_create(
        [Stage(company=company, workflow=workflow, name=n, position=i) for i, n in enumerate(names)]
    )
    record(kind="workflow.created", company=company, subject=workflow, actor=actor, data={"stages": names})
    return workflow


def copy_default_workflow(*, company, actor, name: str) -> Workflow:
    """A job's own pipeline: a copy of the company's default workflow, else of the standard stages."""
    template = Workflow.objects.filter(company=company, is_default=True).first()
    names = list(template.stages.order_by("position", "pk").values_list("name", flat=True)) if template else None
    return create_workflow(company=company, actor=actor, name=name, stages=names or None)


@transaction.atomic
def update_workflow(*, company, actor, workflow: Workflow, name: str | None = None, is_default=None) -> Workflow:
    """Rename a workflow or make it the company's default (the template of new jobs' pipelines)."""
    if name is not None:
        workflow.name = name.strip()
    if is_default is not None:
        if is_default:
            Workflow.objects.filter(company=company, is_default=True).exclude(pk=workflow.pk).update(is_default=False)
        workflow.is_default = is_default
    workflow.save()
    record(kind="workflow.updated", company=company, subject=workflow, actor=actor, data={"name": workflow.name})
    return workflow


@transaction.atomic
def delete_workflow(*, company, actor, workflow: Workflow) -> None:
    """Remove a workflow no job uses."""
    if Job.objects.filter(workflow=workflow).exists():
        raise Conflict("The workflow is used by jobs; give them another workflow first.")
    record(kind="workflow.deleted", company=company, subject=workflow, actor=actor, data={"name": workflow.name})
    workflow.delete()


def _lock_workflow(workflow: Workflow) -> list[Stage]:
    """Lock the workflow row (stage edits of one workflow run one at a time) and return its stages."""
    Workflow.objects.select_for_update().filter(pk=workflow.pk).first()
    return list(Stage.objects.filter(workflow=workflow).order_by("position", "pk"))


def _renumber(stages: list[Stage]) -> None:
    changed = []
    for position, stage in enumerate(stages):
        if stage.position != position:
            stage.position = position
            changed.append(stage)
    if changed:
        Stage.objects.bulk_update(changed, ["position"])


def _check_unique_name(stages: list[Stage], name: str, *, exclude: Stage | None = None) -> None:
    if any(s.name.lower() == name.lower() and s != exclude for s in stages):
        raise ValidationFailed({"name": "A stage with this name already exists in the workflow."})


@transaction.atomic
def add_stage(*, company, actor, workflow: Workflow, name: str, position: int | None = None) -> Stage:
    """Insert a stage at `position` (0-based; default last); later stages shift down."""
    stages = _lock_workflow(workflow)
    name = name.strip()
    _check_unique_name(stages, name)
    stage = Stage.objects.create(company=company, workflow=workflow, name=name, position=len(stages))
    index = len(stages) if position is None else min(position, len(stages))
    stages.insert(index, stage)
    _renumber(stages)
    Workflow.objects.filter(pk=workflow.pk).update(updated_at=timezone.now())
    record(kind="workflow.stage_added", company=company, subject=workflow, actor=actor, data={"stage_id": stage.pk})
    return stage


@transaction.atomic
def update_stage(*, company, actor, stage: Stage, name: str | None = None, position: int | None = None) -> Stage:
    """Rename a stage or move it to another position of its workflow."""
    stages = _lock_workflow(stage.workflow)
    stage = next(s for s in stages if s.pk == stage.pk)
    if name is not None:
        name = name.strip()
        _check_unique_name(stages, name, exclude=stage)
        stage.name = name
        stage.save(update_fields=["name", "updated_at"])
    if position is not None:
        stages.remove(stage)
        stages.insert(min(position, len(stages)), stage)
        _renumber(stages)
    record(
        kind="workflow.stage_updated", company=company, subject=stage.workflow, actor=actor, data={"stage_id": stage.pk}
    )
    return stage


@transaction.atomic
def reorder_stages(*, company, actor, workflow: Workflow, stage_ids: list[int]) -> list[Stage]:
    """Put the workflow's stages in the given order (every stage exactly once)."""
    stages = _lock_workflow(workflow)
    by_id = {s.pk: s for s in stages}
    if sorted(stage_ids) != sorted(by_id):
        raise ValidationFailed({"stage_ids": "List every stage of the workflow exactly once."})
    ordered = [by_id[i] for i in stage_ids]
    _renumber(ordered)
    record(
        kind="workflow.stages_reordered", company=company, subject=workflow, actor=actor, data={"stage_ids": stage_ids}
    )
    return ordered


@transaction.atomic
def delete_stage(*, company, actor, stage: Stage, target_stage: Stage | None = None) -> int:
    """Remove a stage; its applications move to `target_stage` first (required when it holds any).

    Returns how many applications were moved.
    """
    from hireloop.applications.services import reassign_stage

    stages = _lock_workflow(stage.workflow)
    if len(stages) == 1:
        raise Conflict("A workflow keeps at least one stage.")
    if target_stage is not None and (target_stage.workflow_id != stage.workflow_id or target_stage.pk == stage.pk):
        raise ValidationFailed({"target_stage_id": "Must be another stage of the same workflow."})
    moved = reassign_stage(company=company, actor=actor, stage=stage, target=target_stage)
    record(
        kind="workflow.stage_deleted",
        company=company,
        subject=stage.workflow,
        actor=actor,
        data={
            "stage_id": stage.pk,
            "name": stage.name,
            "moved_applications": moved,
            "target_stage_id": target_stage.pk if target_stage else None,
        },
    )
    deleted_pk = stage.pk
    try:
        with transaction.atomic():
            stage.delete()
    except ProtectedError:  # an application moved into the stage meanwhile
        raise Conflict("Applications entered the stage while it was being deleted; try again.") from None
    _renumber([s for s in stages if s.pk != deleted_pk])
    return moved


# --- jobs ------------------------------------------------------------------------------------


def _knockout_questions(items: list[dict], previous: list[dict]) -> list[dict]:
    """Give each question a stable id (kept when the same text comes back)."""
    known = {q.get("text"): q.get("id") for q in previous or []}
    next_id = max([q.get("id") or 0 for q in previous or []] + [0]) + 1
    result = []
    for item in items:
        question_id = known.get(item["text"])
        if question_id is None or any(q["id"] == question_id for q in result):
            question_id, next_id = next_id, next_id + 1
        result.append(
            {"id": question_id, **{k: item[k] for k in ("text", "expected_answer", "disqualify_on_wrong_answer")}}
        )
    return result


def _set_criteria(*, company, job: Job, items: list[dict]) -> None:
    AiScoringCriterion.objects.filter(job=job).delete()
    ordered = sorted(enumerate(items), key=lambda t: (t[1].get("position") is None, t[1].get("position") or 0, t[0]))
    AiScoringCriterion.objects.bulk_create(
        [
            AiScoringCriterion(
                company=company,
                job=job,
                title=(item.get("title") or "").strip(),
                text=item["text"].strip(),
                weight=item.get("weight") or 5,
                position=position,
            )
            for position, (_, item) in enumerate(ordered)
        ]
    )


def _apply(*, company, actor, job: Job, data: dict) -> set[str]:
    """Copy validated fields onto the job; returns the names of the fields that changed."""
    changed = set()
    for field in PLAIN_FIELDS:
        if field in data:
            value = data[field]
            if value is None and field not in {
                "salary_min",
                "salary_max",
                "hours_per_week_min",
                "hours_per_week_max",
                "form_id",
            }:
                value = {"is_remote": False, "job_focus": JobFocus.BALANCED}.get(field, "")
            if isinstance(value, str):
                value = value.strip()
            if field == "salary_currency" and value:
                value = value.upper()
            if getattr(job, field) != value:
                setattr(job, field, value)
                changed.add(field)
    if "title" in changed and not job.title:
        raise ValidationFailed({"title": "The title must not be empty."})
    if "description" in data:
        description = sanitize_description(data["description"] or "")
        if description != job.description:
            job.description = description
            changed.add("description")
    for field, (attribute, model, label) in TERM_FIELDS.items():
        if field in data:
            value = data[field]
            term = None
            if value is not None:
                term = terms(model, company=company).filter(pk=value).first()
                if term is None:
                    raise ValidationFailed({field: f"{label} {value} does not exist."})
            if getattr(job, f"{attribute}_id") != (term.pk if term else None):
                setattr(job, attribute, term)
                changed.add(attribute)
    if "parent_job_id" in data:
        parent = None
        if data["parent_job_id"] is not None:
            parent = Job.objects.filter(company=company, pk=data["parent_job_id"]).first()
            if parent is None or parent.pk == job.pk:
                raise ValidationFailed({"parent_job_id": "Must be another job of this company."})
            if parent.parent_job_id is not None:
                raise ValidationFailed({"parent_job_id": "A satellite job cannot be a parent."})
        if job.parent_job_id != (parent.pk if parent else None):
            job.parent_job = parent
            changed.add("parent_job")
    if "knockout_questions" in data:
        questions = _knockout_questions(data["knockout_questions"] or [], job.knockout_questions)
        if questions != job.knockout_questions:
            job.knockout_questions = questions
            changed.add("knockout_questions")
    if job.salary_min is not None and job.salary_max is not None and job.salary_min > job.salary_max:
        raise ValidationFailed({"salary_max": "Must not be below salary_min."})
    if (job.hours_per_week_min or 0) > (job.hours_per_week_max or 10**6):
        raise ValidationFailed({"hours_per_week_max": "Must not be below hours_per_week_min."})
    return changed


def _workflow_for(*, company, workflow_id: int) -> Workflow:
    workflow = Workflow.objects.filter(company=company, pk=workflow_id).first()
    if workflow is None:
        raise ValidationFailed({"workflow_id": f"Workflow {workflow_id} does not exist."})
    if not workflow.stages.exists():
        raise ValidationFailed({"workflow_id": "The workflow has no stages."})
    return workflow


def _status_dates(job: Job, status: str) -> None:
    now = timezone.now()
    if status in defaults.PUBLISHED_STATUSES:
        job.published_at = job.published_at or now
        job.closed_at = None
    elif status in defaults.CLOSED_STATUSES:
        job.closed_at = job.closed_at or now


def _rescore(job: Job) -> None:
    from hireloop.ai.tasks import rescore_job_task

    enqueue_on_commit(rescore_job_task, job.pk)


@transaction.atomic
def create_job(*, company, actor, data: dict) -> Job:
    """Create a job; without `workflow_id` it gets its own copy of the default pipeline."""
    status = canonical_status(data["status"])
    job = Job(company=company, status=status)
    _apply(company=company, actor=actor, job=job, data=data)
    _status_dates(job, status)
    if data.get("workflow_id") is not None:
        job.workflow = _workflow_for(company=company, workflow_id=data["workflow_id"])
    else:
        job.workflow = copy_default_workflow(company=company, actor=actor, name=job.title)
    assign_alias(job)
    job.save()
    if data.get("ai_scoring_criteria"):
        _set_criteria(company=company, job=job, items=data["ai_scoring_criteria"])
    record(
        kind="job.created",
        company=company,
        subject=job,
        actor=actor,
        job_id=job.pk,
        data={"title": job.title, "status": status},
    )
    if status in defaults.PUBLISHED_STATUSES:
        record(
            kind="job.published",
            company=company,
            subject=job,
            actor=actor,
            job_id=job.pk,
            data={"status": {"from": None, "to": status}},
        )
    return job


@transaction.atomic
def update_job(*, company, actor, job: Job, data: dict) -> Job:
    """Change the supplied fields; a status change goes through the status state machine."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    changed = _apply(company=company, actor=actor, job=job, data=data)
    if data.get("workflow_id") is not None and data["workflow_id"] != job.workflow_id:
        workflow = _workflow_for(company=company, workflow_id=data["workflow_id"])
        if job.applications.exists():
            raise Conflict("The job has applications in its current pipeline; its workflow cannot change.")
        job.workflow = workflow
        changed.add("workflow")
    if "ai_scoring_criteria" in data and data["ai_scoring_criteria"] is not None:
        current = [(c.title, c.text, c.weight) for c in job.ai_scoring_criteria.all()]
        _set_criteria(company=company, job=job, items=data["ai_scoring_criteria"])
        if current != [(c.title, c.text, c.weight) for c in job.ai_scoring_criteria.all()]:
            changed.add("ai_scoring_criteria")
    job.save()
    if changed:
        record(
            kind="job.updated",
            company=company,
            subject=job,
            actor=actor,
            job_id=job.pk,
            data={"fields": sorted(changed)},
        )
    if changed & SCORING_INPUTS:
        _rescore(job)
    if data.get("status") is not None:
        job = set_job_status(company=company, actor=actor, job=job, status=data["status"])
    return job


@transaction.atomic
def set_job_status(*, company, actor, job: Job, status: str) -> Job:
    """Move a job through Draft → Public/Internal → On hold → Closed → Archived (see defaults.STATUS_TRANSITIONS)."""
    status = canonical_status(status)
    job = Job.objects.select_for_update().get(pk=job.pk)
    previous = job.status
    if status == previous:
        return job
    if status not in defaults.STATUS_TRANSITIONS.get(previous, set()):
        raise Conflict(f"A job cannot go from {previous} to {status}.")
    job.status = status
    _status_dates(job, status)
    job.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    if status in defaults.PUBLISHED_STATUSES:
        kind = "job.published"
    elif status in defaults.CLOSED_STATUSES:
        kind = "job.closed"
    else:
        kind = "job.updated"
    record(
        kind=kind,
        company=company,
        subject=job,
        actor=actor,
        job_id=job.pk,
        data={"status": {"from": previous, "to": status}, "fields": ["status"]},
    )
    return job


@transaction.atomic
def delete_job(*, company, actor, job: Job) -> None:
    """Delete a job with its applications; a pipeline no other job uses goes with it."""
    record(kind="job.deleted", company=company, subject=job, actor=actor, job_id=job.pk, data={"title": job.title})
    workflow = job.workflow
    job.delete()
    if not workflow.is_default and not Job.objects.filter(workflow=workflow).exists():
        workflow.delete()


# --- hiring team -----------------------------------------------------------------------------


@transaction.atomic
def add_hiring_team_member(*, company, actor, job: Job, user_id: int, role: str | None = None) -> HiringTeamMember:
    """Put a company user on a job's hiring team (again: only the role changes)."""
    membership = Membership.objects.filter(company=company, user_id=user_id, is_active=True).first()
    if membership is None:
        raise ValidationFailed({"user_id": f"User {user_id} is not a member of this company."})
    member, created = HiringTeamMember.objects.get_or_create(
        company=company, job=job, user_id=user_id, defaults={"role": role or membership.role}
    )
    if not created and role is not None and member.role != role:
        member.role = role
        member.save(update_fields=["role", "updated_at"])
    if created:
        record(
            kind="job.updated",
            company=company,
            subject=job,
            actor=actor,
            job_id=job.pk,
            data={"fields": ["hiring_team"], "added_user_id": user_id},
        )
    return member


@transaction.atomic
def remove_hiring_team_member(*, company, actor, job: Job, user_id: int) -> None:
    deleted, _ = HiringTeamMember.objects.filter(company=company, job=job, user_id=user_id).delete()
    if not deleted:
        raise NotFound("The user is not on this job's hiring team.")
    record(
        kind="job.updated",
        company=company,
        subject=job,
        actor=actor,
        job_id=job.pk,
        data={"fields": ["hiring_team"], "removed_user_id": user_id},
    )


# --- boards ----------------------------------------------------------------------------------


def _board_ids(boards: list[str] | None) -> list[str]:
    """Requested boards (default: every external board); the careers page follows the job's status."""
    if boards is None:
        return [b["id"] for b in defaults.BOARDS if not b["is_own"]]
    unknown = [b for b in boards if b not in defaults.BOARD_IDS]
    if unknown:
        raise ValidationFailed({"boards": f"Unknown boards: {', '.join(unknown)} (see GET /boards)."})
    if defaults.CAREERS_BOARD in boards:
        raise ValidationFailed({"boards": "The careers page follows the job's status: publish with PATCH /status."})
    return list(dict.fromkeys(boards))


@transaction.atomic
def publish_to_boards(*, company, actor, job: Job, boards: list[str] | None) -> None:
    """Record the job's publication on boards (active); only a published job can be posted."""
    board_ids = _board_ids(boards)
    if job.status not in defaults.PUBLISHED_STATUSES:
        raise Conflict(f"Publish the job first: a {job.status} job cannot be posted to job boards.")
    now = timezone.now()
    for board in board_ids:
        publication, created = BoardPublication.objects.get_or_create(
            company=company, job=job, board=board, defaults={"status": "active", "activated_at": now}
        )
        if not created and publication.status != "active":
            publication.status, publication.activated_at, publication.deactivated_at = "active", now, None
            publication.save()
    record(
        kind="job.updated",
        company=company,
        subject=job,
        actor=actor,
        job_id=job.pk,
        data={"fields": ["job_boards"], "published_to": board_ids},
    )


@transaction.atomic
def remove_from_boards(*, company, actor, job: Job, boards: list[str] | None) -> None:
    """Deactivate the job's publications on boards (all when none are named)."""
    board_ids = _board_ids(boards)
    BoardPublication.objects.filter(company=company, job=job, board__in=board_ids, status="active").update(
        status="inactive", deactivated_at=timezone.now(), updated_at=timezone.now()
    )
    record(
        kind="job.updated",
        company=company,
        subject=job,
        actor=actor,
        job_id=job.pk,
        data={"fields": ["job_boards"], "removed_from": board_ids},
    )


# --- taxonomy --------------------------------------------------------------------------------


def create_term(model, *, company, actor, name: str):
    """Add a company's own taxonomy value (departments, …); names are unique per company."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "Must not be empty."})
    if terms(model, company=company).filter(name__iexact=name).exists():
        raise Conflict(f"{name!r} already exists.")
    position = (model.objects.filter(company=company).aggregate(m=Max("position"))["m"] or 0) + 1
    term = model.objects.create(company=company, name=name, position=position)
    record(kind=f"{model._meta.model_name}.created", company=company, subject=term, actor=actor, data={"name": name})
    return term


def update_term(*, company, actor, term, name: str):
    if term.company_id is None:
        raise Forbidden("Built-in values cannot be changed.")
    name = name.strip()
    if terms(type(term), company=company).filter(name__iexact=name).exclude(pk=term.pk).exists():
        raise Conflict(f"{name!r} already exists.")
    term.name = name
    term.save(update_fields=["name", "updated_at"])
    record(kind=f"{term._meta.model_name}.updated", company=company, subject=term, actor=actor, data={"name": name})
    return term


def delete_term(*, company, actor, term) -> None:
    if term.company_id is None:
        raise Forbidden("Built-in values cannot be deleted.")
    record(
        kind=f"{term._meta.model_name}.deleted", company=company, subject=term, actor=actor, data={"name": term.name}
    )
    term.delete()
