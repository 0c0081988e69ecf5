"""Application state changes. Every change validates, writes, records an activity event, touches the
candidate and enqueues its side effects on commit.

States: active → hired | rejected; active ⇄ disqualified (is_disqualified on an active application);
rejected → active (unreject). Hired is final. Only an active, qualified application moves between stages.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from hireloop.activity.services import record
from hireloop.applications.defaults import TRANSFERRED
from hireloop.applications.models import (
    Application,
    ApplicationStatus,
    Attachment,
    MoverType,
    RejectionReason,
    StageChange,
)
from hireloop.applications.selectors import rejection_reasons
from hireloop.core.errors import ApiError, BadRequest, Conflict, NotFound, ValidationFailed
from hireloop.core.files import DecodedFile
from hireloop.core.tasks import enqueue_on_commit
from hireloop.jobs import defaults as job_defaults
from hireloop.jobs.models import Job, Stage

logger = logging.getLogger(__name__)

SCREENING_REASON = "Failed screening questions"
BATCH_LIMIT = 100


# --- helpers -----------------------------------------------------------------------------------


def _touch_candidate(application: Application, now) -> None:
    type(application.candidate).objects.filter(pk=application.candidate_id).update(updated_at=now)


def _history(application: Application, *, from_stage, to_stage, actor, now, source=None, mover=None) -> None:
    mover = mover or (MoverType.USER if actor is not None else MoverType.SYSTEM)
    StageChange.objects.create(
        company_id=application.company_id,
        application=application,
        from_stage_id=from_stage.pk if from_stage else None,
        from_stage_name=from_stage.name if from_stage else None,
        to_stage_id=to_stage.pk,
        to_stage_name=to_stage.name,
        moved_at=now,
        moved_by_type=mover,
        moved_by_user=actor if mover == MoverType.USER else None,
        source=source,
    )


def _record(kind: str, application: Application, *, actor, data: dict | None = None) -> None:
    record(
        kind=kind,
        company=application.company,
        subject=application,
        actor=actor,
        candidate_id=application.candidate_id,
        job_id=application.job_id,
        data=data or {},
    )


def _lock(application: Application) -> Application:
    """The application row, locked until the transaction ends (moves of one application run one at a time)."""
    # Lock the bare row first: a FOR UPDATE over joins re-checks a concurrently updated row against the
    # joined rows it read before waiting, and PostgreSQL then answers the stale stage as NULL.
    rows = Application.objects.select_for_update().filter(pk=application.pk, company_id=application.company_id)
    if not rows.values_list("pk", flat=True):
        raise NotFound("Application not found")
    return Application.objects.select_related("candidate", "job", "stage", "company").get(pk=application.pk)


def _require_active(application: Application, action: str) -> None:
    if application.status != ApplicationStatus.ACTIVE:
        raise Conflict(f"A {application.status} application cannot be {action}.")
    if application.is_disqualified:
        raise Conflict(f"A disqualified application cannot be {action}; requalify it first.")


def _reasons(company, reason_ids, *, field: str) -> list[dict]:
    """[{id, name}] of the given rejection reason ids, all of which must be visible to the company."""
    ids = []
    for value in reason_ids or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationFailed({field: f"{value!r} is not a rejection reason id."}) from None
    ids = list(dict.fromkeys(ids))
    found = {r.pk: r for r in rejection_reasons(company=company).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed({field: f"Unknown rejection reason: {', '.join(map(str, missing))}."})
    return [{"id": i, "name": found[i].name} for i in ids]


def _first_stage(job: Job) -> Stage:
    stage = Stage.objects.filter(workflow_id=job.workflow_id).order_by("position", "pk").first()
    if stage is None:
        raise Conflict("The job's workflow has no stages.")
    return stage


def _check_stage(job: Job, stage: Stage, *, field: str = "stage_id") -> None:
    if stage.company_id != job.company_id or stage.workflow_id != job.workflow_id:
        raise BadRequest(f"{field} is not a stage of the job's workflow.")


def _knockout(job: Job, answers: dict | None) -> tuple[dict, bool]:
    """Normalised answers ({question id: "Yes"|"No"}) and whether one disqualifies the application."""
    questions = {str(q["id"]): q for q in job.knockout_questions or []}
    by_text = {q["text"].strip().lower(): str(q["id"]) for q in questions.values()}
    normalised: dict[str, str] = {}
    for key, value in (answers or {}).items():
        question_id = str(key) if str(key) in questions else by_text.get(str(key).strip().lower())
        if question_id is None:
            raise ValidationFailed({"answers": f"{key!r} is not a knockout question of this job."})
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        value = str(value).strip().capitalize()
        if value not in {"Yes", "No"}:
            raise ValidationFailed({"answers": f"Answer {key!r} with Yes or No."})
        normalised[question_id] = value
    fails = any(
        q["disqualify_on_wrong_answer"] and qid in normalised and normalised[qid] != q["expected_answer"]
        for qid, q in questions.items()
    )
    return normalised, fails


def _store_file(*, company, actor, application: Application, file: DecodedFile, is_cv: bool) -> Attachment:
    attachment = Attachment(
        company=company,
        application=application,
        orig_file_name=file.file_name,
        mime_type=file.mime_type,
        size=file.size,
        is_cv=is_cv,
        uploaded_by=actor,
    )
    attachment.file.save(file.file_name, file.as_django_file(), save=False)
    attachment.save()
    if is_cv:
        from hireloop.applications.tasks import parse_cv

        enqueue_on_commit(parse_cv, attachment.pk)
    return attachment


def _moved(previous: Stage | None, stage: Stage) -> dict:
    """The data of an application.moved event."""
    return {
        "from_stage_id": previous.pk if previous else None,
        "from_stage_name": previous.name if previous else None,
        "to_stage_id": stage.pk,
        "to_stage_name": stage.name,
    }


def _after_commit(function, **kwargs) -> None:
    """Run a side effect once committed; its failure is logged, never turned into the request's error."""

    def run():
        try:
            function(**kwargs)
        except Exception:  # a notification must not break the state change that already happened
            logger.exception("after-commit side effect %s failed", getattr(function, "__name__", function))

    transaction.on_commit(run)


# --- create ------------------------------------------------------------------------------------


def create_application(
    *,
    company,
    candidate,
    job,
    stage=None,
    actor=None,
    data: dict | None = None,
    answers: dict | None = None,
    cv: DecodedFile | None = None,
    source: str = "api_v2",
    notify: bool = True,
) -> Application:
    """Put `candidate` into `job`'s pipeline at `stage` (default: the workflow's first stage).

    Raises Conflict (409, with `application_id`) when the candidate already applied to the job or the job is
    closed or archived, BadRequest when the stage is not one of the job's workflow. A wrong answer to a
    knockout question marked disqualify_on_wrong_answer disqualifies the new application at once.
    """
    if candidate.company_id != company.pk or job.company_id != company.pk:
        raise NotFound("Candidate or job not found")
    if job.status in job_defaults.CLOSED_STATUSES:
        raise Conflict(f"The job is {job.status}: it takes no applications.")
    existing = (
        Application.objects.filter(company=company, candidate=candidate, job=job).values_list("pk", flat=True).first()
    )
    if existing:
        raise Conflict("The candidate already has an application for this job.", application_id=existing)
    if stage is None:
        stage = _first_stage(job)
    else:
        _check_stage(job, stage)
    normalised, disqualified = _knockout(job, answers)
    now = timezone.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                company=company,
                candidate=candidate,
                job=job,
                stage=stage,
                answers=normalised,
                source=source or "",
            )
            _history(
                application, from_stage=None, to_stage=stage, actor=None, now=now, source=source, mover=MoverType.SYSTEM
            )
            if cv is not None:
                _store_file(company=company, actor=actor, application=application, file=cv, is_cv=True)
            _touch_candidate(application, now)
            _record(
                "application.created",
                application,
                actor=actor,
                data={"stage_id": stage.pk, "source": source, **(data or {})},
            )
            if disqualified:
                reasons = [
                    {"id": r.pk, "name": r.name}
                    for r in RejectionReason.objects.filter(company=None, name=SCREENING_REASON)[:1]
                ]
                Application.objects.filter(pk=application.pk).update(
                    is_disqualified=True, disqualified_at=now, rejection_reasons=reasons or None
                )
                application.refresh_from_db()
                _record(
                    "application.disqualified",
                    application,
                    actor=None,
                    data={"reason_ids": [r["id"] for r in reasons], "knockout": True},
                )
            _enqueue_scoring(application)
            if notify:
                from hireloop.messaging.services import schedule_application_received_email

                _after_commit(
                    schedule_application_received_email, company=company, application=application, actor=actor
                )
    except IntegrityError:
        existing = Application.objects.filter(company=company, candidate=candidate, job=job).values_list(
            "pk", flat=True
        )
        if existing:
            raise Conflict(
                "The candidate already has an application for this job.", application_id=existing[0]
            ) from None
        raise
    return application


def _enqueue_scoring(application: Application) -> None:
    from hireloop.ai.tasks import score_application_task

    enqueue_on_commit(score_application_task, application.pk)


# --- stage moves -------------------------------------------------------------------------------


def _move(application: Application, *, stage: Stage, actor, now, source) -> bool:
    """Move a locked application; False when it already is in `stage`."""
    _require_active(application, "moved")
    _check_stage(application.job, stage)
    previous = application.stage
    if previous is not None and previous.pk == stage.pk:
        return False
    application.stage = stage
    application.save(update_fields=["stage", "updated_at"])
    _history(application, from_stage=previous, to_stage=stage, actor=actor, now=now, source=source)
    _touch_candidate(application, now)
    _record(
        "application.moved",
        application,
        actor=actor,
        data=_moved(previous, stage),
    )
    return True


@transaction.atomic
def move_application(*, company, actor, application: Application, stage: Stage, source: str = "api_v2") -> Application:
    """Move an application to another stage of its job's pipeline (to its current stage: nothing happens)."""
    application = _lock(application)
    _move(application, stage=stage, actor=actor, now=timezone.now(), source=source)
    return application


@transaction.atomic
def advance_application(*, company, actor, application: Application, source: str = "api_v2") -> Application:
    """Move an application to the next stage of its workflow."""
    application = _lock(application)
    _require_active(application, "advanced")
    stages = list(Stage.objects.filter(workflow_id=application.job.workflow_id).order_by("position", "pk"))
    ids = [s.pk for s in stages]
    index = ids.index(application.stage_id) if application.stage_id in ids else -1
    if index == len(stages) - 1:
        raise Conflict(f"The application is at the last stage ({stages[-1].name}); hire it instead.")
    _move(application, stage=stages[index + 1], actor=actor, now=timezone.now(), source=source)
    return application


def reassign_stage(*, company, actor, stage: Stage, target: Stage | None) -> int:
    """Move every application of a stage about to be deleted to `target` (required when there are any)."""
    locked = list(Application.objects.select_for_update().filter(stage=stage).values_list("pk", flat=True))
    items = list(Application.objects.select_related("company", "stage").filter(pk__in=locked, stage=stage))
    if items and target is None:
        raise Conflict(
            f"The stage holds {len(items)} application(s): give target_stage_id to move them first.",
            application_count=len(items),
        )
    now = timezone.now()
    for application in items:
        previous = application.stage
        application.stage = target
        application.save(update_fields=["stage", "updated_at"])
        _history(application, from_stage=previous, to_stage=target, actor=actor, now=now, source="stage_deleted")
        _touch_candidate(application, now)
        _record(
            "application.moved",
            application,
            actor=actor,
            data={
                "from_stage_id": previous.pk,
                "from_stage_name": previous.name,
                "to_stage_id": target.pk,
                "to_stage_name": target.name,
                "reason": "stage_deleted",
            },
        )
    return len(items)


# --- hire / reject / unreject / disqualify -----------------------------------------------------


@transaction.atomic
def hire_application(*, company, actor, application: Application) -> Application:
    """Mark an application hired; it moves to the workflow's "Hired" stage when there is one."""
    application = _lock(application)
    _require_active(application, "hired")
    now = timezone.now()
    hired_stage = (
        Stage.objects.filter(workflow_id=application.job.workflow_id, name__iexact="hired").order_by("position").first()
    )
    if hired_stage is not None and application.stage_id != hired_stage.pk:
        _move(application, stage=hired_stage, actor=actor, now=now, source="hire")
    application.status = ApplicationStatus.HIRED
    application.hired_at = now
    application.save(update_fields=["status", "hired_at", "updated_at"])
    _touch_candidate(application, now)
    _record("application.hired", application, actor=actor, data={"stage_id": application.stage_id})
    return application


@transaction.atomic
def reject_application(
    *,
    company,
    actor,
    application: Application,
    reason_id: int | None = None,
    suppress_notification: bool = False,
) -> Application:
    """Reject an active application (with an optional reason); the candidate is emailed unless suppressed."""
    reasons = _reasons(company, [reason_id] if reason_id is not None else [], field="rejection_reason_id")
    application = _lock(application)
    if application.status != ApplicationStatus.ACTIVE:
        raise Conflict(f"A {application.status} application cannot be rejected.")
    now = timezone.now()
    application.status = ApplicationStatus.REJECTED
    application.rejected_at = now
    application.rejection_reasons = reasons or None
    application.save(update_fields=["status", "rejected_at", "rejection_reasons", "updated_at"])
    _touch_candidate(application, now)
    _record(
        "application.rejected",
        application,
        actor=actor,
        data={
            "reason_ids": [r["id"] for r in reasons],
            "suppress_notification": suppress_notification,
        },
    )
    if not suppress_notification:
        from hireloop.messaging.services import schedule_rejection_email

        _after_commit(
            schedule_rejection_email,
            company=company,
            application=application,
            actor=actor,
            reason=reasons[0]["name"] if reasons else "",
        )
    return application


@transaction.atomic
def unreject_application(*, company, actor, application: Application) -> Application:
    """Reopen a rejected application in the stage it was rejected from."""
    application = _lock(application)
    if application.status != ApplicationStatus.REJECTED:
        raise Conflict(f"Only a rejected application can be unrejected; this one is {application.status}.")
    if application.transferred_to_id:
        raise Conflict("The application was transferred to another job; it cannot be reopened.")
    now = timezone.now()
    application.status = ApplicationStatus.ACTIVE
    application.rejected_at = None
    application.rejection_reasons = None
    application.save(update_fields=["status", "rejected_at", "rejection_reasons", "updated_at"])
    _touch_candidate(application, now)
    _record("application.unrejected", application, actor=actor)
    return application


def disqualify_application(*, company, application: Application, actor=None, reason_ids=()) -> Application:
    """Mark an active application disqualified (it leaves the active pipeline but is not a rejection)."""
    reasons = _reasons(company, reason_ids, field="reasons")
    with transaction.atomic():
        application = _lock(application)
        if application.status != ApplicationStatus.ACTIVE or application.is_disqualified:
            raise Conflict("Only an active application can be disqualified.")
        now = timezone.now()
        application.is_disqualified = True
        application.disqualified_at = now
        application.rejection_reasons = reasons or None
        application.save(update_fields=["is_disqualified", "disqualified_at", "rejection_reasons", "updated_at"])
        _touch_candidate(application, now)
        _record("application.disqualified", application, actor=actor, data={"reason_ids": [r["id"] for r in reasons]})
    return application


@transaction.atomic
def requalify_application(*, company, actor, application: Application) -> Application:
    """Bring a disqualified application back into the active pipeline."""
    application = _lock(application)
    if not application.is_disqualified:
        raise Conflict("The application is not disqualified.")
    now = timezone.now()
    application.is_disqualified = False
    application.disqualified_at = None
    application.rejection_reasons = None
    application.save(update_fields=["is_disqualified", "disqualified_at", "rejection_reasons", "updated_at"])
    _touch_candidate(application, now)
    _record("application.updated", application, actor=actor, data={"fields": ["is_disqualified"]})
    return application


# --- transfer, update, delete, attachments -----------------------------------------------------


def transfer_application(*, company, actor, application: Application, job: Job, stage: Stage | None = None):
    """A new application on `job` (at `stage`, default first); the old one is closed as transferred."""
    with transaction.atomic():
        application = _lock(application)
        _require_active(application, "transferred")
        if job.pk == application.job_id:
            raise BadRequest("job_id is the application's own job.")
        new = create_application(
            company=company,
            candidate=application.candidate,
            job=job,
            stage=stage,
            actor=actor,
            data={"transferred_from_id": application.pk},
            answers=None,
            source="transfer",
            notify=False,
        )
        now = timezone.now()
        reason = RejectionReason.objects.filter(company=None, name=TRANSFERRED).first()
        application.status = ApplicationStatus.REJECTED
        application.rejected_at = now
        application.rejection_reasons = [{"id": reason.pk, "name": reason.name}] if reason else None
        application.transferred_to = new
        application.save(update_fields=["status", "rejected_at", "rejection_reasons", "transferred_to", "updated_at"])
        _record(
            "application.rejected",
            application,
            actor=actor,
            data={
                "reason_ids": [reason.pk] if reason else [],
                "transferred_to_id": new.pk,
                "suppress_notification": True,
            },
        )
    return new


@transaction.atomic
def update_application(
    *,
    company,
    actor,
    application: Application,
    changes: dict,
    stage: Stage | None = None,
    cv: DecodedFile | None = None,
) -> Application:
    """PUT /applications/{id}: move (stage), disqualify/requalify (is_disqualified), replace CV, custom fields."""
    # Requalify before a move and disqualify after it, so one PUT can do both.
    disqualified = changes.get("is_disqualified")
    if disqualified is False and _lock(application).is_disqualified:
        requalify_application(company=company, actor=actor, application=application)
    if stage is not None:
        move_application(company=company, actor=actor, application=application, stage=stage)
    if disqualified and not _lock(application).is_disqualified:
        disqualify_application(company=company, application=application, actor=actor)
    application = _lock(application)
    fields = []
    if cv is not None:
        _store_file(company=company, actor=actor, application=application, file=cv, is_cv=True)
        fields.append("cv")
    if "custom_fields" in changes and changes["custom_fields"] != application.custom_fields:
        application.custom_fields = changes["custom_fields"]
        fields.append("custom_fields")
    if fields:
        application.save(update_fields=["custom_fields", "updated_at"])
        _touch_candidate(application, timezone.now())
        _record("application.updated", application, actor=actor, data={"fields": fields})
    return application


@transaction.atomic
def delete_application(*, company, actor, application: Application) -> None:
    """Remove an application for good (its events stay on the candidate's timeline)."""
    application = _lock(application)
    _record("application.deleted", application, actor=actor, data={"stage_id": application.stage_id})
    _touch_candidate(application, timezone.now())
    application.delete()


@transaction.atomic
def add_attachment(*, company, actor, application: Application, file: DecodedFile, is_cv: bool = False) -> Attachment:
    """Attach a file to an application."""
    application = _lock(application)
    attachment = _store_file(company=company, actor=actor, application=application, file=file, is_cv=is_cv)
    application.save(update_fields=["updated_at"])
    _touch_candidate(application, timezone.now())
    _record(
        "application.updated",
        application,
        actor=actor,
        data={"fields": ["cv" if is_cv else "attachments"], "attachment_uuid": str(attachment.uuid)},
    )
    return attachment


# --- batches -----------------------------------------------------------------------------------


def _batch(ids: list[int], action) -> list[dict]:
    """Run `action(application)` for each id in its own savepoint; one failure never aborts the others."""
    results = []
    for application_id in ids:
        try:
            with transaction.atomic():
                results.append({"id": application_id, "data": action(application_id)})
        except ApiError as error:
            results.append({"id": application_id, "error": _error(error)})
    return results


def _batch_target(company, application_id: int) -> Application:
    """A stand-in the transition locks and reads (NotFound there when it is not the company's)."""
    return Application(pk=application_id, company=company)


def batch_move(*, company, actor, ids: list[int], stage: Stage) -> list[dict]:
    """Move up to 100 applications to `stage`; per-item results (an application of another job fails alone).

    One transaction: the rows are locked in id order, each is checked, the valid ones are written with one
    update, one history insert and one candidate update (an event each), the others answer their error.
    """
    _check_batch(ids)
    with transaction.atomic():
        locked = list(
            Application.objects.select_for_update()
            .filter(company=company, pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = {
            a.pk: a
            for a in Application.objects.select_related("candidate", "job", "stage", "company").filter(pk__in=locked)
        }
        now = timezone.now()
        outcome: dict[int, dict] = {}
        moved: list[tuple[Application, Stage | None]] = []
        for application_id in ids:
            if application_id in outcome:
                continue
            application = rows.get(application_id)
            try:
                if application is None:
                    raise NotFound("Application not found")
                _require_active(application, "moved")
                _check_stage(application.job, stage)
            except ApiError as error:
                outcome[application_id] = {"error": _error(error)}
                continue
            if application.stage_id != stage.pk:
                moved.append((application, application.stage))
                application.stage, application.updated_at = stage, now
            outcome[application_id] = {"data": application}
        if moved:
            Application.objects.filter(pk__in=[a.pk for a, _ in moved]).update(stage=stage, updated_at=now)
            StageChange.objects.bulk_create(
                [
                    StageChange(
                        company_id=a.company_id,
                        application=a,
                        from_stage_id=previous.pk if previous else None,
                        from_stage_name=previous.name if previous else None,
                        to_stage_id=stage.pk,
                        to_stage_name=stage.name,
                        moved_at=now,
                        moved_by_type=MoverType.USER if actor is not None else MoverType.SYSTEM,
                        moved_by_user=actor,
                        source="api_v2",
                    )
                    for a, previous in moved
                ]
            )
            Candidate = type(moved[0][0].candidate)
            Candidate.objects.filter(pk__in={a.candidate_id for a, _ in moved}).update(updated_at=now)
            for application, previous in moved:
                _record(
                    "application.moved",
                    application,
                    actor=actor,
                    data={**_moved(previous, stage), "batch": True},
                )
    return [{"id": application_id, **outcome[application_id]} for application_id in ids]


def _error(error: ApiError) -> dict:
    return {"status": error.status, "name": error.name, "message": error.message}


def batch_reject(
    *, company, actor, ids: list[int], reason_id: int | None = None, suppress_notification: bool = False
) -> list[dict]:
    """Reject up to 100 applications; per-item results."""
    _check_batch(ids)
    _reasons(company, [reason_id] if reason_id is not None else [], field="rejection_reason_id")

    def action(application_id):
        return reject_application(
            company=company,
            actor=actor,
            application=_batch_target(company, application_id),
            reason_id=reason_id,
            suppress_notification=suppress_notification,
        )

    return _batch(ids, action)


def _check_batch(ids: list[int]) -> None:
    if not ids:
        raise ValidationFailed({"ids": "Give at least one id."})
    if len(ids) > BATCH_LIMIT:
        raise ValidationFailed({"ids": f"At most {BATCH_LIMIT} ids per request."})


# --- rejection reasons -------------------------------------------------------------------------


@transaction.atomic
def create_rejection_reason(*, company, actor, name: str) -> RejectionReason:
    """Add one of the company's own rejection reasons."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "Must not be empty."})
    if rejection_reasons(company=company).filter(name__iexact=name).exists():
        raise Conflict(f"{name!r} already exists.")
    reason = RejectionReason.objects.create(company=company, name=name, position=1000)
    record(kind="rejection_reason.created", company=company, subject=reason, actor=actor, data={"name": name})
    return reason


@transaction.atomic
def delete_rejection_reason(*, company, actor, reason: RejectionReason) -> None:
    """Delete one of the company's own rejection reasons (applications keep the name they were given)."""
    from hireloop.core.errors import Forbidden

    if reason.company_id is None:
        raise Forbidden("Built-in rejection reasons cannot be deleted.")
    record(kind="rejection_reason.deleted", company=company, subject=reason, actor=actor, data={"name": reason.name})
    reason.delete()
