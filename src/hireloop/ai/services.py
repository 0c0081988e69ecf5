"""AI state changes: storing parsed resumes, scoring applications, queueing rescoring; matching and search."""

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from hireloop.activity.services import record
from hireloop.ai import selectors
from hireloop.ai import skills as taxonomy
from hireloop.ai.embeddings import get_embedder, vector_cache
from hireloop.ai.llm import LLMProse
from hireloop.ai.models import ApplicationScore, ParseStatus, ResumeProfile
from hireloop.ai.parsing import ParseError, parse_resume
from hireloop.ai.scoring import blind_resume_text, input_hash_for, passages, score_resume
from hireloop.applications.models import Application, ApplicationStatus
from hireloop.core.errors import Conflict
from hireloop.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- resumes
def _profile_vectors(resume: dict):
    """(mean vector bytes, passage vectors bytes, model name) of the blind resume; Nones without a model."""
    embedder = get_embedder()
    if embedder.kind != "embedding":
        return None, None, ""
    import numpy as np

    chunks = passages(blind_resume_text(resume)) or [""]
    vectors = np.asarray(vector_cache.encode(embedder, chunks), dtype=np.float32)
    mean = vectors.mean(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-12)
    return mean.astype(np.float32).tobytes(), vectors.astype(np.float16).tobytes(), embedder.name


def prime_profile_vectors(profile: ResumeProfile) -> None:
    """Load a profile's stored passage vectors into the vector cache so scoring does not re-embed."""
    embedder = get_embedder()
    if not profile.passage_vectors or profile.vector_model != embedder.name:
        return
    import numpy as np

    chunks = passages(blind_resume_text({**profile.structured, "text": profile.text})) or [""]
    vectors = np.frombuffer(bytes(profile.passage_vectors), dtype=np.float16).astype(np.float32).reshape(-1, 384)
    if len(vectors) == len(chunks):
        vector_cache.prime(embedder, chunks, list(vectors))


def ingest_resume(
    *, company, candidate, content: bytes, file_name: str, mime_type: str = "", actor=None, source_file_id=None
) -> ResumeProfile:
    """Parse a resume file of `candidate`, store it (status parsed or failed with a reason), fill the
    candidate's empty contact fields (never overwriting), and queue scoring of their active applications.

    Parsing and embedding (the slow part) run before the write transaction opens."""
    digest = hashlib.sha256(content).hexdigest()
    existing = ResumeProfile.objects.for_company(company).filter(candidate=candidate).first()
    if existing is not None and existing.content_hash == digest and existing.status == ParseStatus.PARSED:
        return existing  # same file again: nothing to do
    try:
        resume, failure = parse_resume(content, file_name, mime_type), None
    except ParseError as exc:
        resume, failure = None, exc
    vectors = _profile_vectors(resume) if resume is not None else (None, None, "")
    return _store_profile(
        company=company,
        candidate=candidate,
        actor=actor,
        file_name=file_name,
        source_file_id=source_file_id,
        digest=digest,
        resume=resume,
        failure=failure,
        vectors=vectors,
    )


@transaction.atomic
def _store_profile(
    *, company, candidate, actor, file_name, source_file_id, digest, resume, failure, vectors
) -> ResumeProfile:
    profile = ResumeProfile.objects.for_company(company).select_for_update().filter(candidate=candidate).first()
    keep_parsed = profile is not None and profile.status == ParseStatus.PARSED and failure is not None
    if keep_parsed:
        # A later file that cannot be read does not wipe a good profile (nor its scores): the failure is
        # recorded and reported on that file only (this unsaved profile carries it to the caller).
        profile = ResumeProfile(company=company, candidate=candidate)
    profile = profile or ResumeProfile(company=company, candidate=candidate)
    profile.file_name = file_name[:255]
    profile.source_file_id = source_file_id
    profile.content_hash = digest
    if failure is not None:
        profile.status, profile.failure_reason = ParseStatus.FAILED, failure.reason[:300]
        profile.text, profile.structured, profile.vector, profile.vector_model = "", {}, None, ""
        profile.passage_vectors = None
        profile.skills, profile.years_experience = [], None
        if not keep_parsed:
            profile.save()
        record(
            kind="candidate.resume_parse_failed",
            company=company,
            subject=candidate,
            actor=actor,
            candidate_id=candidate.pk,
            data={"file_name": file_name, "reason": failure.reason, "code": failure.code},
        )
        return profile
    profile.status, profile.failure_reason = ParseStatus.PARSED, ""
    profile.text = resume["text"]
    profile.structured = {k: v for k, v in resume.items() if k != "text"}
    profile.skills = sorted({s["canonical"] for s in resume["skills"] if s["canonical"]})
    profile.years_experience = resume["total_years_experience"]
    profile.vector, profile.passage_vectors, profile.vector_model = vectors
    profile.save()
    filled = _fill_empty_candidate_fields(candidate, resume)
    record(
        kind="candidate.resume_parsed",
        company=company,
        subject=candidate,
        actor=actor,
        candidate_id=candidate.pk,
        data={"file_name": file_name, "parser": resume["parser"], "filled_fields": filled},
    )
    from hireloop.ai.tasks import score_application_task

    for application_id in (
        Application.objects.for_company(company)
        .filter(candidate=candidate, status=ApplicationStatus.ACTIVE)
        .values_list("pk", flat=True)
    ):
        enqueue_on_commit(score_application_task, application_id)
    return profile


def _fill_empty_candidate_fields(candidate, resume: dict) -> list[str]:
    """Fill blank contact fields from the resume; what a person typed is never overwritten."""
    values = {}
    name = (resume.get("name") or "").split()
    if name and not candidate.first_name and not candidate.last_name:
        values["first_name"] = " ".join(name[:-1])[:150] if len(name) > 1 else name[0][:150]
        if len(name) > 1:
            values["last_name"] = name[-1][:150]
    if resume.get("emails") and not candidate.email:
        values["email"] = resume["emails"][0][:254]
    if resume.get("phones") and not candidate.phone:
        values["phone"] = resume["phones"][0][:40]
    location = resume.get("location") or ""
    if "," in location and not candidate.city:
        city, rest = [p.strip() for p in location.split(",", 1)]
        values["city"] = city[:120]
        if not candidate.country and not candidate.state:
            values["country" if len(rest) > 2 else "state"] = rest[:120]
    from hireloop.candidates.services import fill_blanks

    return sorted(fill_blanks(candidate=candidate, values=values, source="resume") if values else [])


# ---------------------------------------------------------------- scores
class NoResume(Exception):
    pass


def score_application(*, company, application: Application, actor=None, force: bool = False):
    """Score `application` from its candidate's resume against its job's criteria.

    Idempotent: when the blind input hash (resume, criteria, models) is unchanged, nothing is written and
    (score, False) is returned. Raises NoResume when the candidate has no parsed resume.
    """
    profile = selectors.resume_profile(company, application.candidate_id)
    if profile is None:
        raise NoResume("The candidate has no parsed resume.")
    job = application.job
    criteria = selectors.job_criteria(job)
    resume = {**profile.structured, "text": profile.text}
    existing = selectors.score_for(company, application)
    digest = input_hash_for(blind_resume_text(resume), criteria)
    if existing is not None and existing.input_hash == digest and not force:
        return existing, False
    prime_profile_vectors(profile)
    result = score_resume(resume, criteria, job_title=job.title, llm=LLMProse.from_env())
    return _store_score(company=company, application=application, result=result, actor=actor), True


@transaction.atomic
def _store_score(*, company, application: Application, result, actor) -> ApplicationScore:
    now = timezone.now()
    score, _ = ApplicationScore.objects.update_or_create(
        company=company,
        application=application,
        defaults={
            "job_id": application.job_id,
            "total_score": result.total_score,
            "recommendation": result.recommendation,
            "summary": result.summary,
            "criteria": result.criteria_dicts(),
            "method": result.method,
            "provenance": result.provenance,
            "criteria_version": result.provenance["criteria_version"],
            "input_hash": result.input_hash,
            "scored_at": now,
        },
    )
    # The application's denormalised copy (003 fields), written without touching its other columns.
    Application.objects.filter(pk=application.pk, company=company).update(
        ai_score=result.total_score, ai_recommendation=result.recommendation, ai_scoring_updated_at=now
    )
    record(
        kind="application.ai_scored",
        company=company,
        subject=application,
        actor=actor,
        candidate_id=application.candidate_id,
        job_id=application.job_id,
        data={
            "total_score": result.total_score,
            "recommendation": result.recommendation,
            "method": result.method,
            "input_hash": result.input_hash,
            "criteria_version": result.provenance["criteria_version"],
        },
    )
    return score


def request_rescore(*, company, application: Application, actor=None) -> None:
    """Queue scoring of one application; 409 when its candidate has no parsed resume to score."""
    from hireloop.ai.tasks import score_application_task

    if selectors.resume_profile(company, application.candidate_id) is None:
        raise Conflict("The candidate has no parsed resume to score.")

    enqueue_on_commit(score_application_task, application.pk)


@transaction.atomic
def request_job_rescore(*, company, job, actor=None) -> int:
    from hireloop.ai.tasks import score_application_task

    ids = list(
        Application.objects.for_company(company)
        .filter(job=job, status=ApplicationStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for application_id in ids:
        enqueue_on_commit(score_application_task, application_id)
    record(
        kind="job.ai_rescore_requested",
        company=company,
        subject=job,
        actor=actor,
        job_id=job.pk,
        data={"applications": len(ids)},
    )
    return len(ids)


# ---------------------------------------------------------------- matching and search
def _skill_coverage(wanted: set[str], have: set[str]) -> float:
    return len(wanted & have) / len(wanted) if wanted else 0.0


def job_matches(*, company, job, size: int = 10, prefilter: int = 200) -> list[dict]:
    """The company's candidates ranked for `job` (applied or not): a vector + skill prefilter over every
    parsed resume, then the explained scorer on the best `size`."""
    embedder = get_embedder()
    query = selectors.job_query_text(job)
    wanted = {s.name for s in taxonomy.find_skills(query)}
    if embedder.kind == "embedding":
        import numpy as np

        ids, matrix, skill_sets, _ = selectors.matrix_cache.get(company, embedder)
        if not ids:
            return []
        qv = np.asarray(vector_cache.encode(embedder, [query])[0])
        sims = matrix @ qv
        coverage = np.array([_skill_coverage(wanted, s) for s in skill_sets], dtype=np.float32)
        quick = 0.6 * np.clip((sims - embedder.low) / (embedder.high - embedder.low), 0, 1) + 0.4 * coverage
        top = np.argsort(-quick)[: min(prefilter, len(ids))]
        shortlist = [ids[i] for i in top[: max(size * 2, size)]]
    else:
        profiles = list(
            selectors.ResumeProfile.objects.for_company(company)
            .filter(status=ParseStatus.PARSED)
            .values_list("candidate_id", "skills")
        )
        ranked = sorted(profiles, key=lambda p: (-_skill_coverage(wanted, set(p[1] or [])), p[0]))
        shortlist = [p[0] for p in ranked[: max(size * 2, size)]]
    profiles = {
        p.candidate_id: p
        for p in selectors.ResumeProfile.objects.for_company(company).filter(candidate_id__in=shortlist)
    }
    applied = set(
        Application.objects.for_company(company)
        .filter(job=job, candidate_id__in=shortlist)
        .values_list("candidate_id", flat=True)
    )
    criteria = selectors.job_criteria(job)
    scored = []
    for candidate_id in shortlist:
        profile = profiles.get(candidate_id)
        if profile is None:
            continue
        prime_profile_vectors(profile)
        result = score_resume({**profile.structured, "text": profile.text}, criteria, job_title=job.title)
        best = max(result.criteria, key=lambda c: c.score)
        scored.append(
            {
                "candidate_id": candidate_id,
                "score": result.total_score,
                "recommendation": result.recommendation,
                "applied": candidate_id in applied,
                "evidence": best.evidence[:1],
                "matched_skills": sorted({s for c in result.criteria for s in c.matched_skills}),
                "missing_skills": sorted({s for c in result.criteria for s in c.missing_skills}),
                "method": result.method,
            }
        )
    scored.sort(key=lambda m: (-m["score"], m["candidate_id"]))
    return scored[:size]


def search_candidates(*, company, query: str, size: int = 20) -> list[dict]:
    """Semantic search over parsed resumes: the best candidates for a free-text query, with a snippet."""
    embedder = get_embedder()
    wanted = {s.name for s in taxonomy.find_skills(query)}
    if embedder.kind == "embedding":
        import numpy as np

        ids, matrix, skill_sets, _ = selectors.matrix_cache.get(company, embedder)
        if not ids:
            return []
        qv = np.asarray(vector_cache.encode(embedder, [query])[0])
        sims = matrix @ qv
        coverage = np.array([_skill_coverage(wanted, s) for s in skill_sets], dtype=np.float32)
        rank = 0.75 * sims + 0.25 * coverage * embedder.high
        top = [int(i) for i in np.argsort(-rank)[:size]]
        hits = [(ids[i], float(rank[i])) for i in top]
    else:
        qv = embedder.encode([query])[0]
        profiles = list(
            selectors.ResumeProfile.objects.for_company(company)
            .filter(status=ParseStatus.PARSED)
            .values_list("candidate_id", "text")
        )
        scores = [(cid, embedder.similarity([qv], embedder.encode([text]))[0][0]) for cid, text in profiles]
        hits = sorted(scores, key=lambda h: (-h[1], h[0]))[:size]
    profiles = {
        p.candidate_id: p
        for p in selectors.ResumeProfile.objects.for_company(company).filter(candidate_id__in=[h[0] for h in hits])
    }
    out = []
    for candidate_id, value in hits:
        profile = profiles[candidate_id]
        prime_profile_vectors(profile)
        chunks = passages(blind_resume_text({**profile.structured, "text": profile.text})) or [""]
        sims = embedder.similarity(vector_cache.encode(embedder, [query]), vector_cache.encode(embedder, chunks))[0]
        best = max(range(len(chunks)), key=lambda i: sims[i])
        out.append({"candidate_id": candidate_id, "score": round(float(value), 4), "snippet": chunks[best][:300]})
    return out
