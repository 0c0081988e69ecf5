"""Test data for jobs and applications, made through the services (as the API would)."""

from hireloop.applications import services as application_services
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import assign_alias
from hireloop.jobs import services
from hireloop.jobs.models import Job, Stage

JOB_BODY = {
    "status": "Public",
    "title": "Backend Engineer",
    "description": "<p>Build APIs.</p>",
    "location_city": "Lisbon",
    "location_country": "Portugal",
}


def make_job(tenant, **fields) -> Job:
    data = {**JOB_BODY, **fields}
    return services.create_job(company=tenant.company, actor=tenant.user, data=data)


def stages_of(job: Job) -> list[Stage]:
    return list(Stage.objects.filter(workflow_id=job.workflow_id).order_by("position", "pk"))


def make_candidate(company, **fields) -> Candidate:
    defaults = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    candidate = Candidate(company=company, **{**defaults, **fields})
    assign_alias(candidate)
    candidate.save()
    return candidate


def make_application(tenant, *, job=None, candidate=None, stage=None, **kwargs):
    job = job or make_job(tenant)
    candidate = candidate or make_candidate(tenant.company)
    return application_services.create_application(
        company=tenant.company, candidate=candidate, job=job, stage=stage, actor=tenant.user, notify=False, **kwargs
    )
