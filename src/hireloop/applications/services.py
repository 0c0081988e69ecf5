"""Application state changes. Every change validates, records an activity event and touches the candidate."""

from django.db import transaction
from django.utils import timezone

from hireloop.activity.services import record
from hireloop.applications.models import Application
from hireloop.core.errors import BadRequest, Conflict


def create_application(*, company, candidate, job, stage=None, actor=None, data: dict | None = None) -> Application:
    """Put `candidate` into `job`'s pipeline at `stage` (default: the workflow's first stage).

    Raises Conflict (409, with `application_id`) when the candidate already applied to the job,
    BadRequest when the stage is not one of the job's workflow.
    """
    existing = (
        Application.objects.filter(company=company, candidate=candidate, job=job).values_list("pk", flat=True).first()
    )
    if existing:
        raise Conflict("The candidate already has an application for this job.", application_id=existing)
    if stage is None:
        stage = job.workflow.stages.order_by("position", "pk").first()
    elif stage.workflow_id != job.workflow_id:
        raise BadRequest("stage_id is not a stage of the job's workflow.")
    with transaction.atomic():
        application = Application.objects.create(company=company, candidate=candidate, job=job, stage=stage)
        type(candidate).objects.filter(pk=candidate.pk).update(updated_at=timezone.now())
        record(
            kind="application.created",
            company=company,
            subject=application,
            actor=actor,
            candidate_id=candidate.pk,
            job_id=job.pk,
            data={"stage_id": stage.pk if stage else None, **(data or {})},
        )
    return application


def disqualify_application(*, company, application: Application, actor=None, reason_ids=()) -> Application:
    """Mark an active application disqualified (it leaves the active pipeline but is not a rejection)."""
    if application.status != "active" or application.is_disqualified:
        raise Conflict("Only an active application can be disqualified.")
    with transaction.atomic():
        application.is_disqualified = True
        application.save(update_fields=["is_disqualified", "updated_at"])
        record(
            kind="application.disqualified",
            company=company,
            subject=application,
            actor=actor,
            candidate_id=application.candidate_id,
            job_id=application.job_id,
            data={"reason_ids": list(reason_ids)},
        )
    return application
