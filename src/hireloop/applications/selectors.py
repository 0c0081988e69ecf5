"""Reads of applications and their wire shape (003 Application), built in a fixed number of queries."""

import uuid
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.timesince import timesince

from hireloop.applications.models import Application, ApplicationStatus, Attachment, RejectionReason, StageChange
from hireloop.core.context import public_base_url
from hireloop.core.errors import NotFound
from hireloop.core.times import parse_time
from hireloop.jobs import selectors as job_selectors
from hireloop.jobs.models import HiringTeamMember, Job, Stage

APPLICATION_INCLUDES = {"candidate", "cv.text", "job"}
SORTS = {
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
    "ai_score": (F("ai_score").asc(nulls_last=True), "pk"),
    "-ai_score": (F("ai_score").desc(nulls_last=True), "-pk"),
    "last_message_at": (F("candidate__last_message_at").asc(nulls_last=True), "pk"),
    "-last_message_at": (F("candidate__last_message_at").desc(nulls_last=True), "-pk"),
}
RESUME_NAMESPACE = uuid.UUID("5b7f3c1e-8a4d-4e55-9f0e-1d2c3b4a5968")


def applications(*, company, include: set[str] = frozenset()) -> QuerySet:
    """The company's applications with candidate, job and stage joined in."""
    related = ["candidate", "job", "stage"]
    if "job" in include:
        related += ["job__company", "job__workflow", *(f"job__{f}" for f in job_selectors.TAXONOMY_FIELDS)]
        return Application.objects.filter(company=company).select_related(*related)
    # Without the embedded job only its alias and internal id are shown: leave its other columns
    # (the description HTML above all) in the database.
    return Application.objects.filter(company=company).select_related(*related).defer(*_UNUSED_JOB_FIELDS)


_UNUSED_JOB_FIELDS = [
    f"job__{field.name}"
    for field in Job._meta.concrete_fields
    if field.name not in {"id", "alias", "internal_job_id", "company", "workflow", "title", "status"}
]


def get_application(*, company, application_id: int, include: set[str] = frozenset()) -> Application:
    application = applications(company=company, include=include).filter(pk=application_id).first()
    if application is None:
        raise NotFound("Application not found")
    return application


def filter_applications(queryset: QuerySet, query) -> QuerySet:
    """GET /applications filters of 003."""
    if query.candidate_id is not None:
        candidate = str(query.candidate_id).strip()
        if candidate.isdigit():
            queryset = queryset.filter(candidate_id=int(candidate))
        else:
            queryset = queryset.filter(candidate__alias=candidate)
    if query.job_id is not None:
        job = str(query.job_id).strip()
        queryset = queryset.filter(job_id=int(job)) if job.isdigit() else queryset.filter(job__alias=job)
    if query.stage_id is not None:
        queryset = queryset.filter(stage_id=query.stage_id)
    if query.status:
        status = ApplicationStatus.ACTIVE if query.status == "pending" else query.status
        queryset = queryset.filter(status=status)
    if query.is_disqualified is not None:
        queryset = queryset.filter(is_disqualified=query.is_disqualified)
    created_after = parse_time(query.created_after, field="created_after")
    updated_after = parse_time(query.updated_after, field="updated_after")
    if created_after:
        queryset = queryset.filter(created_at__gte=created_after)
    if updated_after:
        queryset = queryset.filter(updated_at__gte=updated_after)
    if query.ai_score_min is not None:
        queryset = queryset.filter(ai_score__gte=query.ai_score_min)
    if query.ai_score_max is not None:
        queryset = queryset.filter(ai_score__lte=query.ai_score_max)
    return queryset.order_by(*SORTS[query.sort])


# --- CV ----------------------------------------------------------------------------------------


def _file_info(name: str, mime_type: str, size: int | None) -> dict:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {
        "file_ext": extension,
        "file_type": mime_type,
        "is_image": mime_type.startswith("image/"),
        "orig_file_name": name,
        "readable_size": filesizeformat(size) if size is not None else "",
    }


def attachment_data(attachment: Attachment, *, base_url: str) -> dict:
    return {
        "uuid": str(attachment.uuid),
        "url": f"{base_url}/api/v2/applications/{attachment.application_id}/attachments/{attachment.uuid}",
        "relative_time": f"{timesince(attachment.created_at)} ago",
        "file": _file_info(attachment.orig_file_name, attachment.mime_type, attachment.size),
        "is_cv": attachment.is_cv,
        "created_at": attachment.created_at,
    }


def cvs_for(company, items: list[Application], *, with_text: bool, base_url: str) -> dict[int, dict | None]:
    """The CV of each application: its own CV attachment, else the candidate's parsed resume, else None.

    The one place that decides where a CV comes from (two queries at most for a page).
    """
    from hireloop.ai.models import ParseStatus, ResumeProfile

    result: dict[int, dict | None] = {a.pk: None for a in items}
    if not items:
        return result
    own = {}
    for attachment in Attachment.objects.filter(company=company, application__in=items, is_cv=True).order_by(
        "created_at", "pk"
    ):
        own[attachment.application_id] = attachment  # the latest wins
    wanted = {a.candidate_id for a in items if a.pk not in own or with_text}
    by_candidate = {}
    if wanted:
        fields = ["pk", "candidate_id", "file_name", "created_at"] + (["text"] if with_text else [])
        profiles = ResumeProfile.objects.filter(
            company=company, candidate_id__in=list(wanted), status=ParseStatus.PARSED
        ).only(*fields)
        by_candidate = {p.candidate_id: p for p in profiles}
    for application in items:
        profile = by_candidate.get(application.candidate_id)
        attachment = own.get(application.pk)
        if attachment is not None:
            data = attachment_data(attachment, base_url=base_url)
            data.pop("is_cv")
            data.pop("created_at")
            if with_text:  # the text parsed from this very file, when it was the last one parsed
                same_file = profile is not None and profile.file_name == attachment.orig_file_name[:255]
                data["text"] = (profile.text or None) if same_file else None
            result[application.pk] = data
            continue
        if profile is None:
            continue
        name = profile.file_name or "resume"
        data = {
            "uuid": str(uuid.uuid5(RESUME_NAMESPACE, f"resume-profile-{profile.pk}")),
            "url": f"{base_url}/api/v2/candidates/{application.candidate.alias}/resume",
            "relative_time": f"{timesince(profile.created_at)} ago",
            "file": _file_info(name, _guess_type(name), None),
        }
        if with_text:
            data["text"] = profile.text or None
        result[application.pk] = data
    return result


def _guess_type(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


# --- wire shape ----------------------------------------------------------------------------------


def _days_since(moment: datetime | None) -> int | None:
    return None if moment is None else max(0, (timezone.now() - moment).days)


def embedded_candidates(items: list[Application], *, base_url: str) -> dict[int, dict]:
    """The candidates app's view of each candidate on the page (a fixed four queries)."""
    from hireloop.candidates.models import Candidate
    from hireloop.candidates.selectors import serialize

    ids = {a.candidate_id for a in items}
    rows = serialize(Candidate.objects.filter(pk__in=ids), base=base_url, applications=False)
    return {row["id"]: row for row in rows}


def candidate_data(candidate, full: dict | None = None) -> dict:
    """003 ApplicationCandidate: the candidate row, with every email and phone, the profile answers,
    source and origin from the candidates app's view `full` when given."""
    data = {
        "id": candidate.pk,
        "alias": candidate.alias,
        "company_id": candidate.company_id,
        "first_name": candidate.first_name or None,
        "last_name": candidate.last_name or None,
        "emails": [candidate.email] if candidate.email else None,
        "phones": [candidate.phone] if candidate.phone else None,
        "city": candidate.city or None,
        "state": candidate.state or None,
        "country": candidate.country or None,
        "timezone": candidate.timezone or None,
        "source": None,
        "origin": None,
        "profile": [],
        "created_at": candidate.created_at,
        "updated_at": candidate.updated_at,
        "last_message_at": candidate.last_message_at,
        "days_since_last_message": _days_since(candidate.last_message_at),
        "ip": candidate.ip,
    }
    if full:
        data["emails"] = full["emails"] or data["emails"]
        data["phones"] = full["phones"] or data["phones"]
        data.update(source=full["source"], origin=full["origin"], profile=full["profile"])
    return data


def application_page(
    company, items: list[Application], *, include: set[str] = frozenset(), view: str = "full", base_url: str
) -> list[dict]:
    """Wire shapes of a page of applications (two to four extra queries whatever the page size)."""
    full = view == "full"
    teams: dict[int, list[dict]] = {}
    cvs: dict[int, dict | None] = {}
    people: dict[int, dict] = {}
    if full and items:
        people = embedded_candidates(items, base_url=base_url)
        for member in HiringTeamMember.objects.filter(job_id__in={a.job_id for a in items}).select_related("user"):
            teams.setdefault(member.job_id, []).append(job_selectors.hiring_team_member(member))
        cvs = cvs_for(company, items, with_text="cv.text" in include, base_url=base_url)
        if "job" in include:
            from django.db.models import prefetch_related_objects

            prefetch_related_objects([a.job for a in items], "ai_scoring_criteria")
    return [
        application_data(a, include=include, view=view, base_url=base_url, teams=teams, cvs=cvs, people=people)
        for a in items
    ]


def application_data(
    application: Application,
    *,
    include: set[str] = frozenset(),
    view: str = "full",
    base_url: str,
    teams: dict | None = None,
    cvs: dict | None = None,
    people: dict | None = None,
) -> dict:
    job = application.job
    candidate = application.candidate
    stage = application.stage
    data = {
        "id": application.pk,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "job_alias": job.alias,
        "internal_job_id": job.internal_job_id,
        "company_id": application.company_id,
        "stage": {"id": stage.pk, "name": stage.name} if stage else None,
        "status": application.status,
        "is_disqualified": application.is_disqualified,
        "disqualified_at": application.disqualified_at,
        "rejected_at": application.rejected_at,
        "rejection_reason": application.rejection_reasons or None,
        "hired_at": application.hired_at,
        "ai_score": round(application.ai_score) if application.ai_score is not None else None,
        "ai_recommendation": application.ai_recommendation or None,
        "ai_scoring_updated_at": application.ai_scoring_updated_at,
        "source": application.source or None,
        "transferred_to_id": application.transferred_to_id,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "last_message_at": candidate.last_message_at,
        "days_since_last_message": _days_since(candidate.last_message_at),
        "url_backoffice": f"{base_url}/app/jobs/{job.alias}/candidates/{candidate.alias}",
    }
    if view == "full":
        data["cv"] = (cvs or {}).get(application.pk)
        data["hiring_team"] = (teams or {}).get(application.job_id) or None
        data["custom_fields"] = application.custom_fields
        data["answers"] = application.answers or {}
        data["candidate"] = candidate_data(candidate, (people or {}).get(candidate.pk))
        if "job" in include:
            data["job"] = job_selectors.job_data(job, base_url=base_url)
    return data


def application_detail(company, application: Application, *, include=frozenset(), base_url=None) -> dict:
    base_url = base_url or public_base_url()
    return application_page(company, [application], include=include, base_url=base_url)[0]


def webhook_payload(company, application_id: int) -> dict | None:
    """The application exactly as GET /applications/{id} answers it, or None when it is gone."""
    from hireloop.applications.schemas import ApplicationOut

    application = applications(company=company).filter(pk=application_id).first()
    if application is None:
        return None
    data = application_detail(company, application)
    return ApplicationOut.model_validate(data).model_dump(mode="json", exclude_unset=True)


# --- stage history, attachments, reasons -------------------------------------------------------


def stage_history(*, company, application: Application) -> list[dict]:
    """Transitions oldest first; names of stages deleted since are null."""
    changes = list(StageChange.objects.filter(company=company, application=application).order_by("moved_at", "pk"))
    stage_ids = {c.to_stage_id for c in changes} | {c.from_stage_id for c in changes if c.from_stage_id}
    names = dict(Stage.objects.filter(pk__in=stage_ids).values_list("pk", "name"))
    return [
        {
            "from_stage_id": c.from_stage_id,
            "from_stage_name": names.get(c.from_stage_id, c.from_stage_name) if c.from_stage_id else None,
            "to_stage_id": c.to_stage_id,
            "to_stage_name": names.get(c.to_stage_id),
            "moved_at": c.moved_at,
            "moved_by_type": c.moved_by_type,
            "moved_by_user_id": c.moved_by_user_id,
            "source": c.source,
        }
        for c in changes
    ]


def attachments(*, company, application: Application) -> QuerySet:
    return Attachment.objects.filter(company=company, application=application).order_by("-created_at", "-pk")


def get_attachment(*, company, application: Application, attachment_uuid) -> Attachment:
    attachment = attachments(company=company, application=application).filter(uuid=attachment_uuid).first()
    if attachment is None:
        raise NotFound("Attachment not found")
    return attachment


def rejection_reasons(*, company) -> QuerySet:
    return RejectionReason.objects.filter(Q(company=None) | Q(company=company)).order_by(
        F("company_id").asc(nulls_first=True), "position", "pk"
    )


def get_rejection_reason(*, company, reason_id: int) -> RejectionReason:
    reason = rejection_reasons(company=company).filter(pk=reason_id).first()
    if reason is None:
        raise NotFound("Rejection reason not found")
    return reason
