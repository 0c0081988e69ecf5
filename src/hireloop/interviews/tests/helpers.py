"""Test data for interviews and evaluations: a pipeline, a job, a candidate and an application."""

from datetime import UTC, datetime

from hireloop.applications.models import Application
from hireloop.candidates.models import Candidate
from hireloop.core.aliases import assign_alias
from hireloop.jobs.models import Job, Stage, Workflow


def make_job(company, *, title: str = "Backend Engineer", stages=("Applied", "Interview", "Offer")) -> Job:
    workflow = Workflow.objects.create(company=company, name=f"{title} pipeline")
    for position, name in enumerate(stages):
        Stage.objects.create(company=company, workflow=workflow, name=name, position=position)
    job = Job(company=company, title=title, workflow=workflow, status="Public")
    assign_alias(job)
    job.save()
    return job


def make_candidate(company, **fields) -> Candidate:
    defaults = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "timezone": "Europe/London"}
    defaults.update(fields)
    candidate = Candidate(company=company, **defaults)
    assign_alias(candidate)
    candidate.save()
    return candidate


def make_application(company, *, job=None, candidate=None, stage_name: str = "Interview") -> Application:
    job = job or make_job(company)
    candidate = candidate or make_candidate(company)
    stage = Stage.objects.get(workflow=job.workflow, name=stage_name)
    return Application.objects.create(company=company, job=job, candidate=candidate, stage=stage)


def ts(year, month, day, hour=0, minute=0) -> int:
    """Unix seconds of a UTC wall time."""
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())
