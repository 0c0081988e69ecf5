"""Reads of AI artifacts, and the inputs a score is made from (job criteria, candidate resume)."""

import threading

from django.db.models import Count, Max

from hireloop.ai.models import ApplicationScore, ParseStatus, ResumeProfile
from hireloop.ai.scoring import Criterion, default_criteria
from hireloop.applications.models import Application
from hireloop.core.errors import NotFound


def application_for(company, application_id: int) -> Application:
    application = (
        Application.objects.for_company(company).select_related("job", "candidate").filter(pk=application_id).first()
    )
    if application is None:
        raise NotFound("Application not found.")
    return application


def score_for(company, application: Application) -> ApplicationScore | None:
    return ApplicationScore.objects.for_company(company).filter(application=application).first()


def _text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "\n".join(_text_of(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(_text_of(v) for v in value.values())
    return str(value)


def job_criteria(job) -> list[Criterion]:
    """The job's `ai_scoring_criteria` (title, text, weight, position) or defaults derived from the job."""
    raw = getattr(job, "ai_scoring_criteria", None)
    if raw is not None and hasattr(raw, "all"):
        raw = [
            {"title": c.title, "text": c.text, "weight": getattr(c, "weight", 1), "position": getattr(c, "position", 0)}
            for c in raw.all()
        ]
    items = []
    for index, item in enumerate(raw or []):
        if not isinstance(item, dict) or not (item.get("text") or item.get("title")):
            continue
        items.append((item.get("position", index) or 0, index, item))
    if items:
        items.sort(key=lambda t: (t[0], t[1]))
        return [
            Criterion(
                title=str(item.get("title") or item.get("text"))[:200],
                text=str(item.get("text") or item.get("title")),
                weight=float(item.get("weight") or 1),
            )
            for _, _, item in items
        ]
    return default_criteria(job.title, job.description or "", _text_of(getattr(job, "requirements", "")))


def job_query_text(job) -> str:
    criteria = job_criteria(job)
    return f"{job.title}. " + " ".join(c.text for c in criteria)


def resume_profile(company, candidate_id: int) -> ResumeProfile | None:
    return (
        ResumeProfile.objects.for_company(company).filter(candidate_id=candidate_id, status=ParseStatus.PARSED).first()
    )


class _MatrixCache:
    """Per-company candidate vectors held in memory; reloaded when profiles change (count or updated_at)."""

    def __init__(self):
        self._data: dict = {}
        self._lock = threading.Lock()

    def get(self, company, embedder):
        import numpy as np

        qs = ResumeProfile.objects.for_company(company).filter(status=ParseStatus.PARSED, vector_model=embedder.name)
        stamp = qs.aggregate(n=Count("id"), last=Max("updated_at"))
        key = (company.pk, embedder.name)
        with self._lock:
            cached = self._data.get(key)
            if cached and cached[0] == (stamp["n"], stamp["last"]):
                return cached[1]
        rows = list(qs.order_by("pk").values_list("candidate_id", "vector", "skills", "years_experience"))
        ids = [r[0] for r in rows]
        matrix = (
            np.vstack([np.frombuffer(bytes(r[1]), dtype=np.float32) for r in rows])
            if rows
            else np.zeros((0, 384), dtype=np.float32)
        )
        value = (ids, matrix, [set(r[2] or []) for r in rows], [r[3] for r in rows])
        with self._lock:
            self._data[key] = ((stamp["n"], stamp["last"]), value)
        return value


matrix_cache = _MatrixCache()
