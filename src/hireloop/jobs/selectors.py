"""Reads of jobs, workflows, stages and job taxonomies, and the job's wire shape (also used by webhooks)."""

from django.db.models import F, Prefetch, Q, QuerySet

from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.context import public_base_url
from hireloop.core.errors import NotFound
from hireloop.core.times import parse_time
from hireloop.jobs import defaults
from hireloop.jobs.models import (
    Category,
    Department,
    EducationLevel,
    EmploymentType,
    ExperienceLevel,
    HiringTeamMember,
    Job,
    Stage,
    Workflow,
)

JOB_INCLUDES = {"workflow", "hiring_team", "pipeline_stages"}
TAXONOMY_FIELDS = ("department", "category", "education_level", "employment_type", "experience_level")


def parse_include(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


# --- jobs ------------------------------------------------------------------------------------


def jobs(*, company, include: set[str] = frozenset(), view: str = "full") -> QuerySet:
    """The company's jobs with what their wire shape needs loaded in a fixed number of queries."""
    queryset = Job.objects.filter(company=company).select_related("company", "workflow", *TAXONOMY_FIELDS)
    if view == "full":
        queryset = queryset.prefetch_related("ai_scoring_criteria")
        if "hiring_team" in include:
            queryset = queryset.prefetch_related(
                Prefetch("hiring_team", queryset=HiringTeamMember.objects.select_related("user"))
            )
        if "pipeline_stages" in include:
            queryset = queryset.prefetch_related("workflow__stages")
    return queryset


def get_job(*, company, job_id, include: set[str] = frozenset(), view: str = "full") -> Job:
    """One job by id or alias, else 404."""
    return get_by_id_or_alias(jobs(company=company, include=include, view=view), job_id, label="Job")


def filter_jobs(queryset: QuerySet, query) -> QuerySet:
    if query.status:
        queryset = queryset.filter(status__iexact=query.status.strip())
    start = parse_time(query.created_at_start, field="created_at_start")
    end = parse_time(query.created_at_end, field="created_at_end")
    if start:
        queryset = queryset.filter(created_at__gte=start)
    if end:
        queryset = queryset.filter(created_at__lte=end)
    updated_after = parse_time(query.updated_after, field="updated_after")
    if updated_after:
        queryset = queryset.filter(updated_at__gte=updated_after)
    if query.department_id is not None:
        queryset = queryset.filter(department_id=query.department_id)
    if query.q:
        queryset = queryset.filter(Q(title__icontains=query.q) | Q(internal_title__icontains=query.q))
    if query.is_active is not None:
        published = Q(status__in=defaults.PUBLISHED_STATUSES)
        queryset = queryset.filter(published if query.is_active else ~published)
    return queryset.order_by("-created_at", "-pk")


def _id_name(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def hiring_team_member(member: HiringTeamMember) -> dict:
    user = member.user
    return {"id": user.pk, "full_name": user.full_name or user.email, "email": user.email, "role": member.role or None}


def job_urls(job: Job, base_url: str) -> tuple[str, str]:
    return f"{base_url}/careers/{job.company.slug}/jobs/{job.alias}", f"{base_url}/app/jobs/{job.alias}/pipeline"


def job_data(job: Job, *, include: set[str] = frozenset(), view: str = "full", base_url: str | None = None) -> dict:
    """The job as GET /jobs/{id} answers it (003 Job plus Hireloop's requirements, job_focus, is_active)."""
    base_url = base_url or public_base_url()
    url, url_backoffice = job_urls(job, base_url)
    location = {
        "city": job.location_city,
        "country": job.location_country,
        "state": job.location_state,
        "street_address": job.location_street_address,
        "full_address": job.location_full_address,
        "postal_code": job.location_postal_code,
    }
    data = {
        "id": job.pk,
        "alias": job.alias,
        "company_id": job.company_id,
        "title": job.title,
        "internal_title": job.internal_title or None,
        "internal_job_id": job.internal_job_id or None,
        "status": job.status,
        "is_active": job.status in defaults.PUBLISHED_STATUSES,
        "is_remote": job.is_remote,
        "requirements": job.requirements,
        "job_focus": job.job_focus,
        "location": location if any(location.values()) else None,
        "salary_min": job.salary_min,
        "salary_max": job.salary_max,
        "salary_currency": job.salary_currency or None,
        "salary_period": job.salary_period or None,
        "salary_range": job.salary_range or salary_range(job),
        "hours_per_week_min": job.hours_per_week_min,
        "hours_per_week_max": job.hours_per_week_max,
        **{field: _id_name(getattr(job, field)) for field in TAXONOMY_FIELDS},
        "resume_field_status": job.resume_field_status or None,
        "form_id": job.form_id,
        "workflow_id": job.workflow_id,
        "parent_job_id": job.parent_job_id,
        "is_satellite": job.parent_job_id is not None,
        "knockout_questions": job.knockout_questions or [],
        "url": url,
        "url_backoffice": url_backoffice,
        "published_at": job.published_at,
        "closed_at": job.closed_at,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }
    if view == "full":
        data["description"] = job.description
        data["indeed_posting_data"] = {}
        data["ai_scoring_criteria"] = [
            {"id": c.pk, "position": c.position, "text": c.text, "weight": c.weight, "title": c.title or None}
            for c in job.ai_scoring_criteria.all()
        ]
        if "workflow" in include:
            data["workflow"] = _id_name(job.workflow)
        if "hiring_team" in include:
            data["hiring_team"] = [hiring_team_member(m) for m in job.hiring_team.all()]
        if "pipeline_stages" in include:
            data["pipeline_stages"] = [{"id": s.pk, "name": s.name} for s in job.workflow.stages.all()]
    return data


def salary_range(job: Job) -> str | None:
    """A readable range from salary_min/max when no explicit salary_range was given."""
    if job.salary_min is None and job.salary_max is None:
        return None
    parts = [f"{v:,.0f}" for v in (job.salary_min, job.salary_max) if v is not None]
    text = "–".join(parts)
    if job.salary_currency:
        text = f"{text} {job.salary_currency}"
    if job.salary_period:
        text = f"{text} {job.salary_period}"
    return text


def webhook_payload(company, job_id: int) -> dict | None:
    """The job exactly as GET /jobs/{id} answers it, or None when it is gone."""
    from hireloop.jobs.schemas import JobOut

    job = jobs(company=company).filter(pk=job_id).first()
    if job is None:
        return None
    return JobOut.model_validate(job_data(job)).model_dump(mode="json", exclude_unset=True)


# --- workflows and stages --------------------------------------------------------------------


def workflows(*, company) -> QuerySet:
    return (
        Workflow.objects.filter(company=company)
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("position", "pk")),
            Prefetch("jobs", queryset=Job.objects.only("pk", "workflow_id").order_by("pk")),
        )
        .order_by("pk")
    )


def get_workflow(*, company, workflow_id: int) -> Workflow:
    workflow = workflows(company=company).filter(pk=workflow_id).first()
    if workflow is None:
        raise NotFound("Workflow not found")
    return workflow


def stage_data(stage: Stage) -> dict:
    return {"id": stage.pk, "name": stage.name, "position": stage.position, "workflow_id": stage.workflow_id}


def workflow_data(workflow: Workflow) -> dict:
    return {
        "id": workflow.pk,
        "name": workflow.name,
        "is_default": workflow.is_default,
        "stages": [stage_data(s) for s in workflow.stages.all()],
        "job_ids": [j.pk for j in workflow.jobs.all()],
        "created_at": workflow.created_at,
        "updated_at": workflow.updated_at,
    }


def stages(*, company, workflow_id: int | None = None, job: Job | None = None) -> QuerySet:
    queryset = Stage.objects.filter(company=company)
    if workflow_id is not None:
        queryset = queryset.filter(workflow_id=workflow_id)
    if job is not None:
        queryset = queryset.filter(workflow_id=job.workflow_id)
    return queryset.order_by("workflow_id", "position", "pk")


def get_stage(*, company, stage_id: int, workflow: Workflow | None = None) -> Stage:
    queryset = Stage.objects.filter(company=company, pk=stage_id)
    if workflow is not None:
        queryset = queryset.filter(workflow=workflow)
    stage = queryset.first()
    if stage is None:
        raise NotFound("Stage not found")
    return stage


# --- taxonomy --------------------------------------------------------------------------------

TAXONOMIES = {
    "departments": Department,
    "categories": Category,
    "education_levels": EducationLevel,
    "employment_types": EmploymentType,
    "experience_levels": ExperienceLevel,
}


def terms(model, *, company) -> QuerySet:
    """Built-in values and the company's own, built-in first."""
    return model.objects.filter(Q(company=None) | Q(company=company)).order_by(
        F("company_id").asc(nulls_first=True), "position", "pk"
    )


def term_data(term) -> dict:
    return {"id": term.pk, "name": term.name, "is_default": term.company_id is None}


def get_term(model, *, company, term_id: int, label: str):
    term = terms(model, company=company).filter(pk=term_id).first()
    if term is None:
        raise NotFound(f"{label} not found")
    return term


def statuses() -> list[dict]:
    return [
        {
            "id": status_id,
            "name": name,
            "is_published": name in defaults.PUBLISHED_STATUSES,
            "accepts_applications": name not in defaults.CLOSED_STATUSES,
        }
        for status_id, name in defaults.STATUSES
    ]
