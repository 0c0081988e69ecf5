"""AI endpoints: resume parsing, application AI scores, job matches, semantic candidate search."""

from ninja import Query, Router

from hireloop.ai import schemas, selectors, services
from hireloop.ai.parsing import ParseError, parse_resume
from hireloop.core.aliases import get_by_id_or_alias
from hireloop.core.context import public_base_url
from hireloop.core.errors import ApiError, NotFound
from hireloop.core.files import FileData, decode_file

router = Router(tags=["ai"])


class UnparseableResume(ApiError):
    status, name = 422, "Unprocessable Entity"


def _job(company, job_id: str):
    from hireloop.jobs.models import Job

    return get_by_id_or_alias(Job.objects.for_company(company), job_id, label="Job")


@router.post("/resumes/parse", response=schemas.ParsedResume)
def parse_resume_endpoint(request, payload: FileData):
    """Parse a resume file (PDF, DOCX, TXT, HTML, RTF) into structured fields; nothing is stored."""
    request.auth.require("view_candidates")
    decoded = decode_file(payload, field="file")
    try:
        return parse_resume(decoded.content, decoded.file_name, decoded.mime_type)
    except ParseError as exc:
        raise UnparseableResume(exc.reason, reason=exc.code) from None


@router.get("/candidates/search", response=schemas.CandidateSearchOut)
def search_candidates(request, query: Query[schemas.SearchQuery]):
    """Semantic search over the company's parsed resumes."""
    ctx = request.auth
    ctx.require("view_candidates")
    hits = services.search_candidates(company=ctx.company, query=query.query, size=query.size)
    return {"candidates": hits, "method": services.get_embedder().kind}


@router.get("/applications/{id}/ai-score", response=schemas.AiScoreOut)
def get_ai_score(request, id: int):
    """The latest explained AI score of an application (404 until it has been scored)."""
    ctx = request.auth
    ctx.require("view_applications")
    application = selectors.application_for(ctx.company, id)
    score = selectors.score_for(ctx.company, application)
    if score is None:
        raise NotFound("This application has not been scored yet.")
    job = application.job
    return {
        "score": {
            "uuid": str(score.uuid),
            "job_id": job.pk,
            "job_title": job.title,
            "job_url": f"{public_base_url(request)}/api/v2/jobs/{job.pk}",
            "summary": score.summary,
            "total_score": score.total_score,
            "criteria": score.criteria,
            "rate": score.recommendation,
            "date": score.scored_at.isoformat(),
            "recommendation": score.recommendation,
            "method": score.method,
            "provenance": score.provenance,
            "scored_at": score.scored_at,
        }
    }


@router.post("/applications/{id}/ai-score", response={202: schemas.QueuedOut})
def request_ai_score(request, id: int):
    """Queue (re)scoring of an application; unchanged inputs make it a no-op."""
    ctx = request.auth
    ctx.require("manage_applications")
    application = selectors.application_for(ctx.company, id)
    services.request_rescore(company=ctx.company, application=application, actor=ctx.user)
    return 202, {"queued": 1}


@router.post("/jobs/{id}/rescore", response={202: schemas.QueuedOut})
def rescore_job(request, id: str):
    """Queue rescoring of every active application of a job."""
    ctx = request.auth
    ctx.require("manage_jobs")
    job = _job(ctx.company, id)
    return 202, {"queued": services.request_job_rescore(company=ctx.company, job=job, actor=ctx.user)}


@router.get("/jobs/{id}/matches", response=schemas.MatchesOut)
def job_matches(request, id: str, query: Query[schemas.MatchesQuery]):
    """The company's candidates ranked for a job, applied or not, each with score and top evidence."""
    ctx = request.auth
    ctx.require("view_candidates")
    job = _job(ctx.company, id)
    return {"matches": services.job_matches(company=ctx.company, job=job, size=query.size)}
