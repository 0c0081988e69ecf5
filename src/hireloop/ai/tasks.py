"""Background AI work on the `ai` queue. Every task takes ids and is idempotent.

Contract for the candidates app (resume uploads):
    after storing a resume file, call `enqueue_on_commit(parse_and_store, file_id)`; the file model
    (setting AI_RESUME_FILE_MODEL, default "candidates.CandidateFile") must have `company`, `candidate`,
    `file` (a FileField) and may have `text`, `parse_status`, `parse_error`, `parsed` (JSON): they are
    filled here ("parsed" / "failed" + reason). Or, from your own task, call
    `hireloop.ai.services.ingest_resume(company=, candidate=, content=, file_name=, source_file_id=)`
    and copy `profile.text`, `profile.status`, `profile.failure_reason`, `profile.structured` yourself.
Either way the candidate's active applications are then scored.
"""

import logging

from django.apps import apps
from django.conf import settings
from django_tasks import task

from hireloop.ai import services
from hireloop.applications.models import Application

logger = logging.getLogger(__name__)


@task(queue_name="ai")
def score_application_task(application_id: int) -> str:
    """Score one application; no-op when its inputs did not change. Returns what happened."""
    application = Application.objects.select_related("job", "candidate", "company").filter(pk=application_id).first()
    if application is None:
        return "missing"
    try:
        _, changed = services.score_application(company=application.company, application=application)
    except services.NoResume:
        return "no_resume"
    return "scored" if changed else "unchanged"


@task(queue_name="ai")
def rescore_job_task(job_id: int) -> int:
    from hireloop.jobs.models import Job

    job = Job.objects.select_related("company").filter(pk=job_id).first()
    if job is None:
        return 0
    return services.request_job_rescore(company=job.company, job=job)


@task(queue_name="ai")
def parse_and_store(file_id: int) -> str:
    """Parse a stored resume file into the candidate's ResumeProfile and mirror the outcome on the file."""
    label = getattr(settings, "AI_RESUME_FILE_MODEL", "candidates.CandidateFile")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        logger.warning("parse_and_store: no resume file model %s", label)
        return "no_model"
    stored = model.objects.select_related("company", "candidate").filter(pk=file_id).first()
    if stored is None:
        return "missing"
    with stored.file.open("rb") as fh:
        content = fh.read()
    profile = services.ingest_resume(
        company=stored.company,
        candidate=stored.candidate,
        content=content,
        file_name=stored.file.name.rsplit("/", 1)[-1],
        source_file_id=stored.pk,
    )
    updates = {}
    field_names = {f.name for f in model._meta.get_fields()}
    if "text" in field_names:
        updates["text"] = profile.text
    if "parse_status" in field_names:
        updates["parse_status"] = profile.status
    if "parse_error" in field_names:
        updates["parse_error"] = profile.failure_reason
    if "parsed" in field_names:
        updates["parsed"] = profile.structured or None
    if updates:
        model.objects.filter(pk=stored.pk).update(**updates)
    return profile.status
